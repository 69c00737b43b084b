/**
 * From text offsets and YAML AST nodes back to 1-based line/column. Everything here is lazy: the
 * line table is built on the first lookup and paths are resolved only when someone asks, so a clean
 * 10,000-service paste pays nothing for positions it never reports.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { SourceRef } from '../problems';
import type { ObjectPath } from './types';

export class LineIndex {
  private starts: number[] | null = null;
  constructor(private readonly text: string) {}

  /** 1-based line and column (UTF-16 code units, as editors count) of a text offset. */
  position(offset: number): { line: number; col: number } {
    const starts = this.lineStarts();
    const at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - (starts[lo] ?? 0) + 1 };
  }

  ref(doc: number, start: number, end?: number): SourceRef {
    const s = this.position(start);
    const ref: SourceRef = { doc, line: s.line, col: s.col };
    if (end !== undefined && end > start) {
      const e = this.position(end);
      ref.endLine = e.line;
      ref.endCol = e.col;
    }
    return ref;
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const t = this.text;
    for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
}

type AnyDoc = Document.Parsed | Document;

/** Follows aliases to the anchored node (bounded: a cycle of aliases cannot loop forever). */
export function deref(node: unknown, doc: AnyDoc): unknown {
  let n = node;
  for (let hops = 0; hops < 64 && isAlias(n); hops++) {
    try {
      n = n.resolve(doc as Document);
    } catch {
      return undefined;
    }
  }
  return isAlias(n) ? undefined : n;
}

function keyText(key: unknown): string | undefined {
  // The YAML 1.1 merge key `<<` resolves to a symbol, not a string.
  if (isScalar(key)) return typeof key.value === 'symbol' ? key.value.description : String(key.value);
  return undefined;
}

/** The pair for `key` in a map, following YAML 1.1 merge keys (`<<`) the way toJS applies them. */
function findPair(map: unknown, key: string, doc: AnyDoc, depth = 0): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 16) return undefined;
  let found: { key: unknown; value: unknown } | undefined;
  for (const item of map.items) {
    if (isPair(item) && keyText(item.key) === key) found = item; // last one wins, as in toJS
  }
  if (found) return found;
  for (const item of map.items) {
    if (!isPair(item) || keyText(item.key) !== '<<') continue;
    const src = deref(item.value, doc);
    const sources = isSeq(src) ? src.items.map((s) => deref(s, doc)) : [src];
    for (const s of sources) {
      const hit = findPair(s, key, doc, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** The AST node at `path` under `root` (aliases followed), or undefined when it is not there. */
export function nodeAt(root: unknown, path: ObjectPath, doc: AnyDoc): unknown {
  let node = deref(root, doc);
  for (const seg of path) {
    if (isMap(node)) node = deref(findPair(node, String(seg), doc)?.value, doc);
    else if (isSeq(node) && typeof seg === 'number') node = deref(node.items[seg], doc);
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node;
}

/** The position of the key `key` in the mapping `map` (e.g. an object's `kind:`). */
export function keyRange(map: unknown, key: string, doc: AnyDoc): [number, number] | undefined {
  return rangeOf(findPair(deref(map, doc), key, doc)?.key);
}

export function startOf(node: unknown): number | undefined {
  return rangeOf(node)?.[0];
}

/**
 * Where `path` points inside `root`. A scalar or flow value is reported at the value itself; a
 * block collection at its key; a missing key at the deepest key that exists (so "missing
 * metadata.name" lands on `metadata:`).
 */
export function locateInNode(
  root: unknown,
  path: ObjectPath,
  doc: AnyDoc,
  docIndex: number,
  lines: Pick<LineIndex, 'ref'>,
  fallback: number,
  /** Point at the key rather than the value (e.g. for an unknown field). */
  atKey = false,
): SourceRef {
  let node = deref(root, doc);
  let keyNode: unknown = undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = findPair(node, String(seg), doc);
      if (!pair) break;
      keyNode = pair.key;
      const value = deref(pair.value, doc);
      if (value === null || value === undefined || (isScalar(value) && value.value === null && !rangeOf(value))) {
        node = undefined;
        break;
      }
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = deref(node.items[seg], doc);
      if (item === undefined || item === null) break;
      keyNode = undefined;
      node = item;
    } else {
      break;
    }
  }
  const flow = isCollection(node) && (node as { flow?: boolean }).flow === true;
  const useValue = node !== undefined && !(atKey && keyNode !== undefined) && (isScalar(node) || flow || keyNode === undefined);
  if (!useValue || isScalar(node) || flow) {
    const r = (useValue ? rangeOf(node) : rangeOf(keyNode)) ?? rangeOf(node);
    return r ? lines.ref(docIndex, r[0], r[1]) : lines.ref(docIndex, fallback);
  }
  // A block collection without a key (the object itself, a list item): its first line, not its span.
  return lines.ref(docIndex, rangeOf(node)?.[0] ?? fallback);
}
