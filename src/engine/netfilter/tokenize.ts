/**
 * Splits one iptables-restore line into arguments the way iptables' own `add_param_to_argv`
 * does: blanks separate, a double quote opens a quoted run in which `\x` stands for `x`, and the
 * closing quote ends the argument (so `"a b"c` is two arguments, `a b` and `c`, as in iptables).
 * Single quotes and backslashes outside quotes are ordinary characters.
 */
export interface Token {
  text: string;
  /** 1-based column where the argument starts (its opening quote, if quoted). */
  col: number;
  quoted: boolean;
}

export function tokenizeLine(line: string): { tokens: Token[]; error?: { col: number; message: string } } {
  const tokens: Token[] = [];
  let buf = '';
  let start = -1;
  let inQuote = false;
  let escaped = false;
  let quoted = false;
  const flush = (force: boolean) => {
    if (buf.length > 0 || force) tokens.push({ text: buf, col: start + 1, quoted });
    buf = '';
    start = -1;
    quoted = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (inQuote) {
      if (escaped) {
        buf += c;
        escaped = false;
      } else if (c === '\\') {
        escaped = true;
      } else if (c === '"') {
        inQuote = false;
        flush(true);
      } else {
        buf += c;
      }
      continue;
    }
    if (c === '"') {
      // A quote inside a word continues the same argument (`a"b c"` is `ab c`).
      if (start < 0) start = i;
      inQuote = true;
      quoted = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (start >= 0) flush(false);
      continue;
    }
    if (start < 0) start = i;
    buf += c;
  }
  if (inQuote) return { tokens, error: { col: start + 1, message: 'unterminated quote' } };
  if (start >= 0) flush(false);
  return { tokens };
}

/**
 * Quotes a string the way `xtables_save_string` does: bare when it is only letters, digits, `_`
 * and `-`; otherwise in double quotes with `"`, `\` and `'` backslash-escaped.
 */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
