/** Shell text: quoting for values that came from user manifests, and a line collector. */

/** Single-quotes a word for bash unless it is made only of characters that need no quoting. */
export function sh(word: string): string {
  if (/^[A-Za-z0-9_.:/@%+=,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** True for a unicast, non-zero Ethernet address that `ip link ... address` accepts. */
export function isSettableMac(mac: string): boolean {
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) return false;
  if (/^(00:){5}00$/.test(mac)) return false;
  return (parseInt(mac.slice(0, 2), 16) & 1) === 0;
}

/** Marks lines that must stay in column 0 (here-document bodies and their delimiter). */
const RAW = '\u0000';

export class ScriptLines {
  readonly lines: string[] = [];

  /** `command <<'DELIM'`, the body verbatim, `DELIM`; the body is never indented. */
  heredoc(command: string, body: string): this {
    const text = body.replace(/\n+$/, '');
    const bodyLines = text.split('\n');
    // A body line equal to the delimiter would end the here-document early.
    let delim = 'PW_EOF';
    while (bodyLines.includes(delim)) delim += '_';
    this.lines.push(`${command} <<'${delim}'`, ...bodyLines.map((l) => RAW + l), RAW + delim);
    return this;
  }

  add(...lines: string[]): this {
    this.lines.push(...lines);
    return this;
  }

  comment(text: string): this {
    for (const l of text.split('\n')) this.lines.push(l ? `# ${l}` : '#');
    return this;
  }

  blank(): this {
    this.lines.push('');
    return this;
  }

  /** Lines indented one level (for function bodies and if-blocks). */
  indented(other: ScriptLines, by = '  '): this {
    for (const l of other.lines) this.lines.push(l && !l.startsWith(RAW) ? by + l : l);
    return this;
  }

  text(): string {
    return this.lines.map((l) => (l.startsWith(RAW) ? l.slice(1) : l)).join('\n');
  }
}
