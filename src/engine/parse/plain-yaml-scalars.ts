/**
 * Scalars for the plain reader (plain-yaml.ts): plain ones resolved by the `yaml` library's own
 * YAML 1.1 tags, one-line quoted ones, and the folding and chomping of block scalars.
 */
import { Document, isScalar, type Tags } from 'yaml';
import { kubernetesYaml11Tags } from './yaml-document';

/** Thrown inside the reader when the text leaves the subset; caught in `readPlainYaml`. */
export const OUTSIDE = Symbol('outside the plain subset');

export interface ScalarTag {
  test: RegExp;
  resolve: (value: string, onError: (msg: string) => void, options: { intAsBigInt: boolean }) => unknown;
}

/** The tags (and their order) this reader was checked against; another list turns the fast path off. */
const EXPECTED_TAGS =
  'map,seq,str,null,bool,bool,int:BIN,int:OCT,int,int:HEX,float,float:EXP,float,merge';

let scalarTags: ScalarTag[] | null | undefined;

/** The default plain-scalar tags of the composer's schema, or null if they are not the known list. */
export function plainScalarTags(): ScalarTag[] | null {
  if (scalarTags !== undefined) return scalarTags;
  const doc = new Document(null, { version: '1.1', customTags: (tags: Tags) => kubernetesYaml11Tags(tags) });
  const tags = (doc.schema as unknown as { tags: { tag: string; format?: string; default?: boolean | 'key'; test?: RegExp; resolve?: ScalarTag['resolve'] }[] }).tags;
  const names = tags.filter((t) => t.default !== false).map((t) => t.tag.replace('tag:yaml.org,2002:', '') + (t.format ? `:${t.format}` : '')).join(',');
  scalarTags = names === EXPECTED_TAGS ? tags.filter((t) => t.default === true && t.test && t.resolve).map((t) => ({ test: t.test!, resolve: t.resolve! })) : null;
  return scalarTags;
}

/**
 * True when no YAML 1.1 tag test can match `value`, judged from its start: every non-string form
 * begins with a digit, a sign, a dot, `~` or `<`, is a null/bool word of at most 5 letters, or is
 * the exponent form `e5` / `E+3`. Saves running a dozen regular expressions on most scalars.
 */
function surelyString(value: string): boolean {
  const c = value.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    const l = c | 32;
    if (l === 101) {
      const n = value.charCodeAt(1);
      return !((n >= 48 && n <= 57) || n === 43 || n === 45);
    }
    return value.length > 5 || (l !== 110 && l !== 121 && l !== 116 && l !== 102 && l !== 111);
  }
  return c === 47 || c === 95 || c === 36 || c > 127; // / _ $ non-ASCII
}

export function resolvePlain(value: string, tags: ScalarTag[]): unknown {
  if (value.length > 0 && surelyString(value)) return value;
  for (const t of tags) {
    if (!t.test.test(value)) continue;
    let failed = false;
    const res = t.resolve(value, () => (failed = true), { intAsBigInt: false });
    if (failed) throw OUTSIDE;
    return isScalar(res) ? res.value : res;
  }
  return value;
}

/** Double-quoted escapes, as `yaml` reads them (`\x` and `\u` are handled apart; `\U` is not ours). */
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

/** A one-line quoted scalar starting at `p` of `t` (line end `le`): its value and the offset after the closing quote. */
export function readQuoted(t: string, p: number, le: number): { value: string; end: number } {
  const q = t.charCodeAt(p);
  if (q === 39) {
    let out = '';
    let i = p + 1;
    for (;;) {
      const j = t.indexOf("'", i);
      if (j < 0 || j >= le) throw OUTSIDE;
      out += t.slice(i, j);
      for (let k = i; k < j; k++) if (t.charCodeAt(k) < 32) throw OUTSIDE;
      if (t.charCodeAt(j + 1) === 39) {
        out += "'";
        i = j + 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
  }
  let out = '';
  let i = p + 1;
  let from = i;
  for (; i < le; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) return { value: out + t.slice(from, i), end: i + 1 };
    if (c < 32) throw OUTSIDE;
    if (c !== 92) continue;
    out += t.slice(from, i);
    const n = t[i + 1];
    if (n === undefined || i + 1 >= le) throw OUTSIDE;
    const simple = ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (n === 'x' || n === 'u') {
      const len = n === 'x' ? 2 : 4;
      const hex = t.slice(i + 2, i + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw OUTSIDE;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 1 + len;
    } else {
      throw OUTSIDE;
    }
    from = i + 1;
  }
  throw OUTSIDE;
}

/**
 * A block scalar's text from its content lines (indentation removed, '' for blank ones): `>` folds
 * single line breaks into spaces, then the chomping indicator decides the final line breaks.
 */
export function chompAndFold(lines: string[], folded: boolean, chomp: 'clip' | 'strip' | 'keep'): string {
  let last = lines.length - 1;
  while (last >= 0 && lines[last] === '') last--;
  const trailingBlank = lines.length - 1 - last;
  const body = lines.slice(0, last + 1);
  let text: string;
  if (folded) {
    // More-indented lines keep their breaks in YAML; not ours.
    if (body.some((x) => x !== '' && (x.charCodeAt(0) === 32 || x.charCodeAt(0) === 9))) throw OUTSIDE;
    text = '';
    let blanks = 0;
    let started = false;
    for (const x of body) {
      if (x === '') {
        blanks++;
        continue;
      }
      if (started) text += blanks > 0 ? '\n'.repeat(blanks) : ' ';
      else text += '\n'.repeat(blanks);
      text += x;
      started = true;
      blanks = 0;
    }
  } else {
    text = body.join('\n');
  }
  if (chomp === 'strip') return text;
  if (chomp === 'clip') return text + '\n';
  return text + '\n' + '\n'.repeat(trailingBlank);
}
