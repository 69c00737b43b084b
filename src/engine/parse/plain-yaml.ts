/**
 * A fast reader for the plain YAML that manifests are made of: block mappings and sequences
 * (kubectl's same-indent `- ` lists too), one-line flow collections, one-line quoted scalars,
 * literal and folded block scalars, comments and `---` markers. Plain scalars are resolved with
 * the `yaml` library's own YAML 1.1 tags (the list `yaml-document.ts` gives the composer), so a
 * value means here what it means there.
 *
 * Why: `yaml`'s lexer alone takes ~0.75 s, its composer ~4 s, on a 5 MB paste of 10,000 services;
 * this reads it in a fraction of that. It gives up on the whole stream at anything outside its
 * subset (anchors, tags, multi-line flow or quoted scalars, tabs, directives, errors of any kind),
 * and the caller then reads the stream with `yaml`, which reports the problems. The differential
 * tests hold the two to the same result.
 */
import { chompAndFold, OUTSIDE, plainScalarTags, readQuoted, resolvePlain, type ScalarTag } from './plain-yaml-scalars';

export interface PlainDocument {
  /** The document's value; null for an empty document. */
  body: unknown;
  /** Start of the document (its `---` line, else its first content line) and end (next marker or end of text). */
  start: number;
  end: number;
  /** Offset of the root node (first key or `-`); `start` when the document is empty. */
  at: number;
}

/** Where a mapping starts, and its `kind:` key when it has one (an object or a List item). */
export interface MappingPlace {
  at: number;
  kindKey?: [number, number];
}

export interface PlainStream {
  docs: PlainDocument[];
  places: WeakMap<object, MappingPlace>;
}


const SPACE = 32;
const HASH = 35;
const NL = 10;
const COLON = 58;
const DASH = 45;
/** Nesting past this is left to the `yaml` path (and its nesting limit). */
const MAX_DEPTH = 64;

/** A plain key: letters, digits and `._/-` (not first), as Kubernetes field, label and annotation keys are. */
function keyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 47 || c === DASH;
}

/** Characters a block plain scalar may not start with (YAML's indicators). */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

class PlainReader {
  private readonly starts: number[] = [0];
  private line = 0;
  /** First line past the current document. */
  private stop = 0;
  private depth = 0;
  readonly places = new WeakMap<object, MappingPlace>();

  constructor(
    private readonly text: string,
    private readonly tags: ScalarTag[],
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    // A final line break ends the last line; it does not start an empty one.
    this.lineCount = this.starts.length - (text.endsWith('\n') ? 1 : 0);
  }

  private readonly lineCount: number;

  private end(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
  }

  /** Leading spaces of a line; a tab among them is outside the subset. */
  private indent(line: number): number {
    const s = this.starts[line]!;
    const e = this.end(line);
    let i = s;
    while (i < e && this.text.charCodeAt(i) === SPACE) i++;
    if (i < e && this.text.charCodeAt(i) === 9) throw OUTSIDE;
    return i - s;
  }

  private blank(line: number): boolean {
    const s = this.starts[line]! + this.indent(line);
    return s >= this.end(line) || this.text.charCodeAt(s) === HASH;
  }

  /** The next line from `this.line` with content (not blank, not a comment), or -1. */
  private nextContent(): number {
    while (this.line < this.stop && this.blank(this.line)) this.line++;
    return this.line < this.stop ? this.line : -1;
  }

  private isMarker(line: number): boolean {
    const s = this.starts[line]!;
    const t = this.text;
    if (!t.startsWith('---', s)) return false;
    const c = s + 3 < this.end(line) ? t.charCodeAt(s + 3) : NL;
    return c === NL || c === SPACE || c === 9;
  }

  read(): PlainDocument[] {
    const t = this.text;
    const n = this.lineCount;
    // Markers and directives at column 0 split the stream, as in `yaml`: content before the first
    // marker is a document of its own; every marker starts one, even an empty one.
    const cuts: number[] = [];
    for (let l = 0; l < n; l++) {
      const s = this.starts[l]!;
      const c = t.charCodeAt(s);
      if (c === 37 /* % */ || (c === 46 && t.startsWith('...', s))) throw OUTSIDE;
      if (c === DASH && this.isMarker(l)) {
        const rest = t.slice(s + 3, this.end(l)).trim();
        if (rest !== '' && !rest.startsWith('#')) throw OUTSIDE;
        cuts.push(l);
      }
    }
    const docs: PlainDocument[] = [];
    const segments: { from: number; to: number; marker: boolean }[] = [];
    if (cuts[0] !== 0) segments.push({ from: 0, to: cuts[0] ?? n, marker: false });
    cuts.forEach((c, i) => segments.push({ from: c + 1, to: cuts[i + 1] ?? n, marker: true }));
    for (const seg of segments) {
      this.line = seg.from;
      this.stop = seg.to;
      const first = this.nextContent();
      if (first === -1 && !seg.marker) continue;
      const start = seg.marker ? this.starts[seg.from - 1]! : this.starts[first]!;
      const end = seg.to < n ? this.starts[seg.to]! : t.length;
      if (first === -1) {
        docs.push({ body: null, start, end, at: start });
        continue;
      }
      const ind = this.indent(first);
      const body = this.block(first, ind, true);
      if (this.nextContent() !== -1) throw OUTSIDE; // content after the root node
      docs.push({ body, start, end, at: this.starts[first]! + ind });
    }
    // A stream with no document is one empty document to the composer (`forceDoc`).
    if (docs.length === 0) docs.push({ body: null, start: 0, end: t.length, at: 0 });
    return docs;
  }

  private isDash(line: number, ind: number): boolean {
    const p = this.starts[line]! + ind;
    if (this.text.charCodeAt(p) !== DASH) return false;
    return p + 1 >= this.end(line) || this.text.charCodeAt(p + 1) === SPACE;
  }

  /**
   * A block collection whose first line is `line`, indented `ind`. `objects`: its mappings are
   * objects (the root, the items of a List) whose place is recorded.
   */
  private block(line: number, ind: number, objects = false): unknown {
    if (++this.depth > MAX_DEPTH) throw OUTSIDE;
    const v = this.isDash(line, ind) ? this.sequence(line, ind, objects) : this.mapping(line, ind, objects);
    this.depth--;
    return v;
  }

  private mapping(line: number, ind: number, object = false): Record<string, unknown> {
    const t = this.text;
    const map: Record<string, unknown> = {};
    const place: MappingPlace | null = object ? { at: this.starts[line]! + ind } : null;
    if (place) this.places.set(map, place);
    let col = ind;
    for (;;) {
      const ks = this.starts[line]! + col;
      const le = this.end(line);
      let key: string;
      let ke: number;
      let after: number;
      const q = t.charCodeAt(ks);
      if (q === 34 || q === 39) {
        const r = readQuoted(this.text, ks, le);
        key = r.value;
        ke = r.end;
        after = r.end;
      } else {
        let i = ks;
        if (q === DASH) throw OUTSIDE;
        while (i < le && keyChar(t.charCodeAt(i))) i++;
        if (i === ks) throw OUTSIDE;
        key = t.slice(ks, i);
        if (typeof resolvePlain(key, this.tags) !== 'string') throw OUTSIDE;
        ke = i;
        after = i;
      }
      if (t.charCodeAt(after) !== COLON || (after + 1 < le && t.charCodeAt(after + 1) !== SPACE)) throw OUTSIDE;
      if (key === '__proto__' || key === '<<' || Object.prototype.hasOwnProperty.call(map, key)) throw OUTSIDE;
      if (place && key === 'kind') place.kindKey = [ks, ke];
      // A List's items are objects too (kubectl prints them as a same-indent block list).
      map[key] = this.value(line, after + 1, ind, place !== null && key === 'items');
      const next = this.nextContent();
      if (next === -1) break;
      const ni = this.indent(next);
      if (ni < ind) break;
      if (ni > ind || this.isDash(next, ni)) throw OUTSIDE;
      line = next;
      col = ind;
    }
    return map;
  }

  private sequence(line: number, ind: number, objects = false): unknown[] {
    const t = this.text;
    const seq: unknown[] = [];
    for (;;) {
      const le = this.end(line);
      let p = this.starts[line]! + ind + 1;
      while (p < le && t.charCodeAt(p) === SPACE) p++;
      const c = p < le ? t.charCodeAt(p) : NL;
      if (c === NL || c === HASH) {
        seq.push(this.nested(line, ind, false, objects));
      } else if (c === DASH && (p + 1 >= le || t.charCodeAt(p + 1) === SPACE)) {
        throw OUTSIDE; // `- - x`
      } else if (this.startsKey(p, le)) {
        if (++this.depth > MAX_DEPTH) throw OUTSIDE;
        seq.push(this.mapping(line, p - this.starts[line]!, objects));
        this.depth--;
      } else {
        seq.push(this.value(line, p, ind));
      }
      const next = this.nextContent();
      if (next === -1) break;
      const ni = this.indent(next);
      if (ni < ind) break;
      if (ni > ind) throw OUTSIDE;
      if (!this.isDash(next, ni)) break; // the key after a same-indent list
      line = next;
    }
    return seq;
  }

  /** Does a `key:` (plain or quoted, then `: ` or `:` at the end of the line) start at `p`? */
  private startsKey(p: number, le: number): boolean {
    const t = this.text;
    const q = t.charCodeAt(p);
    let i = p;
    if (q === 34 || q === 39) {
      i = t.indexOf(String.fromCharCode(q), p + 1);
      if (i < 0 || i >= le) return false;
      i++;
    } else {
      while (i < le && keyChar(t.charCodeAt(i))) i++;
      if (i === p) return false;
    }
    return t.charCodeAt(i) === COLON && (i + 1 >= le || t.charCodeAt(i + 1) === SPACE);
  }

  /** What follows the block value of a key or `-` with nothing after it on the line. */
  private nested(line: number, ind: number, sameIndentList: boolean, objects: boolean): unknown {
    this.line = line + 1;
    const next = this.nextContent();
    if (next === -1) return null;
    const ni = this.indent(next);
    if (ni > ind) return this.block(next, ni, objects);
    if (sameIndentList && ni === ind && this.isDash(next, ni)) {
      if (++this.depth > MAX_DEPTH) throw OUTSIDE;
      const seq = this.sequence(next, ni, objects);
      this.depth--;
      return seq;
    }
    return null;
  }

  /** The value after `key:` or `- ` at offset `p` of `line`; `ind` is the indent of its collection. */
  private value(line: number, p: number, ind: number, objects = false): unknown {
    const t = this.text;
    const le = this.end(line);
    p = this.spaces(p, le);
    const c = p < le ? t.charCodeAt(p) : NL;
    if (c === NL || c === HASH) return this.nested(line, ind, true, objects);
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(line, p, ind);
    let v: unknown;
    let e: number;
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const r = this.flow(p, le, 0);
      v = r.value;
      e = r.end;
    } else if (c === 34 || c === 39) {
      const r = readQuoted(this.text, p, le);
      v = r.value;
      e = r.end;
    } else {
      if (INDICATORS.has(c) && !(c === DASH && p + 1 < le && t.charCodeAt(p + 1) !== SPACE)) throw OUTSIDE;
      let i = p;
      while (i < le) {
        const ch = t.charCodeAt(i);
        if (ch === HASH && t.charCodeAt(i - 1) === SPACE) break;
        if (ch === COLON && (i + 1 >= le || t.charCodeAt(i + 1) === SPACE)) throw OUTSIDE; // a key in a value
        if (ch < 32) throw OUTSIDE;
        i++;
      }
      let j = i;
      while (j > p && t.charCodeAt(j - 1) === SPACE) j--;
      v = resolvePlain(t.slice(p, j), this.tags);
      this.line = line + 1;
      // A more-indented line after a plain scalar continues it (a multi-line scalar): not ours.
      const next = this.nextContent();
      if (next !== -1 && this.indent(next) > ind) throw OUTSIDE;
      return v;
    }
    this.trailing(e, le);
    this.line = line + 1;
    return v;
  }

  /** After a quoted or flow value only spaces and a comment may follow on the line. */
  private trailing(e: number, le: number): void {
    const t = this.text;
    let i = e;
    while (i < le && t.charCodeAt(i) === SPACE) i++;
    if (i < le && !(t.charCodeAt(i) === HASH && i > e)) throw OUTSIDE;
  }

  /** A one-line flow collection at `p`; `{ a: b, c: [d, e] }`. */
  private flow(p: number, le: number, depth: number): { value: unknown; end: number } {
    if (depth > MAX_DEPTH) throw OUTSIDE;
    const t = this.text;
    const open = t.charCodeAt(p);
    const close = open === 123 ? 125 : 93;
    const map: Record<string, unknown> | null = open === 123 ? {} : null;
    const seq: unknown[] = [];
    let i = this.spaces(p + 1, le);
    if (t.charCodeAt(i) === close) return { value: map ?? seq, end: i + 1 };
    for (;;) {
      i = this.spaces(i, le);
      if (map) {
        const k = this.flowItem(i, le, depth, true);
        if (typeof k.value !== 'string' || k.value === '__proto__' || k.value === '<<' || Object.prototype.hasOwnProperty.call(map, k.value)) throw OUTSIDE;
        i = this.spaces(k.end, le);
        if (t.charCodeAt(i) !== COLON || t.charCodeAt(i + 1) !== SPACE) throw OUTSIDE;
        const v = this.flowItem(this.spaces(i + 2, le), le, depth, false);
        map[k.value] = v.value;
        i = v.end;
      } else {
        const v = this.flowItem(i, le, depth, false);
        seq.push(v.value);
        i = v.end;
      }
      i = this.spaces(i, le);
      const c = t.charCodeAt(i);
      if (c === close) return { value: map ?? seq, end: i + 1 };
      if (c !== 44 /* , */ || i >= le) throw OUTSIDE;
      i = this.spaces(i + 1, le);
      if (t.charCodeAt(i) === close) throw OUTSIDE; // a trailing comma
    }
  }

  private spaces(i: number, le: number): number {
    while (i < le && this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  private flowItem(i: number, le: number, depth: number, atKey: boolean): { value: unknown; end: number } {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (i >= le) throw OUTSIDE;
    if (c === 123 || c === 91) {
      if (atKey) throw OUTSIDE;
      return this.flow(i, le, depth + 1);
    }
    if (c === 34 || c === 39) return readQuoted(this.text, i, le);
    if (INDICATORS.has(c)) throw OUTSIDE;
    let j = i;
    while (j < le) {
      const ch = t.charCodeAt(j);
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
      if (ch === COLON) {
        const n = t.charCodeAt(j + 1);
        if (n === SPACE || n === 44 || n === 93 || n === 125 || j + 1 >= le) break;
        if (atKey) throw OUTSIDE;
      }
      if (ch === HASH && t.charCodeAt(j - 1) === SPACE) throw OUTSIDE;
      if (ch < 32) throw OUTSIDE;
      j++;
    }
    let e = j;
    while (e > i && t.charCodeAt(e - 1) === SPACE) e--;
    if (e === i) throw OUTSIDE;
    const text = t.slice(i, e);
    const value = resolvePlain(text, this.tags);
    if (atKey && typeof value !== 'string') throw OUTSIDE;
    return { value, end: e };
  }

  /** `|` or `>` with an optional `-`/`+`, at offset `p` of `line`, inside a collection indented `ind`. */
  private blockScalar(line: number, p: number, ind: number): string {
    const t = this.text;
    const le = this.end(line);
    const folded = t.charCodeAt(p) === 62;
    const indicator = t[p + 1];
    const chomp = indicator === '-' ? 'strip' : indicator === '+' ? 'keep' : 'clip';
    this.trailing(chomp === 'clip' ? p + 1 : p + 2, le); // an indentation indicator (`|2`) is not ours either
    // Content: every following line indented deeper than `ind`, and blank lines among them.
    const lines: string[] = [];
    let contentIndent = -1;
    let l = line + 1;
    let leadingBlankMax = 0;
    for (; l < this.stop; l++) {
      const s = this.starts[l]!;
      const e = this.end(l);
      let k = s;
      while (k < e && t.charCodeAt(k) === SPACE) k++;
      const spaces = k - s;
      if (k >= e) {
        // A blank line. One with more spaces than the content indent holds spaces as text: not ours.
        if (contentIndent < 0) leadingBlankMax = Math.max(leadingBlankMax, spaces);
        else if (spaces > contentIndent) throw OUTSIDE;
        if (e === t.length) break; // a blank last line without a line break adds nothing
        lines.push('');
        continue;
      }
      if (t.charCodeAt(k) === 9 && (contentIndent < 0 || spaces < contentIndent)) throw OUTSIDE;
      if (contentIndent < 0) {
        if (spaces <= ind) break;
        if (leadingBlankMax > spaces) throw OUTSIDE;
        contentIndent = spaces;
      } else if (spaces < contentIndent) break;
      const content = t.slice(s + contentIndent, e);
      if (content.includes('\r')) throw OUTSIDE;
      lines.push(content);
    }
    this.line = l;
    if (contentIndent < 0) {
      // Only blank lines: yaml keeps none of them for clip and strip.
      if (chomp === 'keep') throw OUTSIDE;
      return '';
    }
    return chompAndFold(lines, folded, chomp);
  }
}

/** The documents of `text` if all of it is in the plain subset; null means: read it with `yaml`. */
export function readPlainYaml(text: string): PlainStream | null {
  const tags = plainScalarTags();
  // CR line breaks, a BOM, and the characters YAML 1.1 counts as line breaks: `yaml`'s to read.
  if (!tags || /[\r\ufeff\u0085\u2028\u2029]/.test(text)) return null;
  const reader = new PlainReader(text, tags);
  try {
    return { docs: reader.read(), places: reader.places };
  } catch (e) {
    if (e === OUTSIDE) return null;
    throw e;
  }
}
