/**
 * Where an object sits in the pasted text, for its problems: where it starts and its `kind:` key
 * (needed for every object), and `locate(path)` for any field inside it (needed only for the ones
 * with a problem). Two sources: a `yaml` document's nodes, or the plain reader's side table, which
 * composes its document with `yaml` on the first `locate` — a clean paste never pays for that.
 */
import type { Document } from 'yaml';
import type { SourceRef } from '../problems';
import type { MappingPlace, PlainDocument } from './plain-yaml';
import { deref, keyRange, locateInNode, nodeAt, startOf, type LineIndex } from './source-map';
import type { ObjectPath } from './types';
import { composeDocuments } from './yaml-document';

export interface ObjectPlace {
  /** Offset of the object's node in the text. */
  at: number;
  kindKey(): [number, number] | undefined;
  locate(path: ObjectPath, atKey?: boolean): SourceRef;
  /** The place of `items[i]` (whose value is `value`) of this List. */
  item(i: number, value: unknown): ObjectPlace;
}

type AnyDoc = Document.Parsed;

export function yamlPlace(node: unknown, doc: AnyDoc, index: number, lines: Pick<LineIndex, 'ref'>, shift = 0): ObjectPlace {
  const at = (startOf(deref(node, doc)) ?? doc.range[0]) + shift;
  const shifted = shift === 0 ? lines : { ref: (d: number, s: number, e?: number) => lines.ref(d, s + shift, e === undefined ? undefined : e + shift) };
  return {
    at,
    kindKey: () => {
      const r = keyRange(node, 'kind', doc);
      return r ? [r[0] + shift, r[1] + shift] : undefined;
    },
    locate: (path, atKey = false) => {
      try {
        return locateInNode(node, path, doc, index, shifted, at - shift, atKey);
      } catch {
        return lines.ref(index, at);
      }
    },
    item: (i) => {
      const seq = nodeAt(node, ['items'], doc);
      return yamlPlace(nodeAt(seq, [i], doc) ?? seq, doc, index, lines, shift);
    },
  };
}

export interface PlainContext {
  text: string;
  doc: PlainDocument;
  places: WeakMap<object, MappingPlace>;
  index: number;
  lines: LineIndex;
  /** The document composed by `yaml`, once a field was located (null: it could not be). */
  composed?: AnyDoc | null;
}

function composed(ctx: PlainContext): AnyDoc | null {
  if (ctx.composed === undefined) {
    try {
      ctx.composed = (composeDocuments(ctx.text.slice(ctx.doc.start, ctx.doc.end)).next().value as AnyDoc | undefined) ?? null;
    } catch {
      ctx.composed = null;
    }
  }
  return ctx.composed;
}

/** `path`: from the document root to this object (`[]`, or `['items', i]` for a List item). */
export function plainPlace(value: unknown, path: ObjectPath, ctx: PlainContext): ObjectPlace {
  const mp = value !== null && typeof value === 'object' ? ctx.places.get(value) : undefined;
  const at = mp?.at ?? ctx.doc.at;
  return {
    at,
    kindKey: () => mp?.kindKey,
    locate: (p, atKey = false) => {
      const doc = composed(ctx);
      if (!doc) return ctx.lines.ref(ctx.index, at);
      return yamlPlace(nodeAt(doc.contents, path, doc), doc, ctx.index, ctx.lines, ctx.doc.start).locate(p, atKey);
    },
    item: (i, v) => plainPlace(v, [...path, 'items', i], ctx),
  };
}
