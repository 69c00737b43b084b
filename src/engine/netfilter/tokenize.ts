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

const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;
const QUOTE = 34;
const BACKSLASH = 92;

export function tokenizeLine(line: string): { tokens: Token[]; error?: { col: number; message: string } } {
  const tokens: Token[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    // Unquoted prefix: sliced, not built char by char (rule sets run to 100k lines).
    while (i < n && !isBlank(line.charCodeAt(i)) && line.charCodeAt(i) !== QUOTE) i++;
    if (i >= n || line.charCodeAt(i) !== QUOTE) {
      tokens.push({ text: line.slice(start, i), col: start + 1, quoted: false });
      continue;
    }
    // A quote inside a word continues the same argument (`a"b c"` is `ab c`); the closing quote ends it.
    let text = line.slice(start, i);
    i++;
    let closed = false;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < n) {
        text += line[i + 1];
        i += 2;
      } else if (c === BACKSLASH) {
        i++;
      } else if (c === QUOTE) {
        i++;
        closed = true;
        break;
      } else {
        let j = i + 1;
        while (j < n && line.charCodeAt(j) !== QUOTE && line.charCodeAt(j) !== BACKSLASH) j++;
        text += line.slice(i, j);
        i = j;
      }
    }
    if (!closed) return { tokens, error: { col: start + 1, message: 'unterminated quote' } };
    tokens.push({ text, col: start + 1, quoted: true });
  }
  return { tokens };
}

const BARE = /^[A-Za-z0-9_-]+$/;

/**
 * Quotes a string the way `xtables_save_string` does: bare when it is only letters, digits, `_`
 * and `-`; otherwise in double quotes with `"`, `\` and `'` backslash-escaped.
 */
export function saveString(value: string): string {
  if (BARE.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
