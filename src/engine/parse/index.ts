/**
 * Manifest text → objects with lazy source positions, and problems. Multi-document YAML with the
 * YAML 1.1 rules Kubernetes applies (kubectl reads YAML through go-yaml v2: `on`/`yes`/`y` are
 * booleans, `0777` is octal, timestamps stay strings), JSON (a subset), and `kind: List` /
 * `*List` wrappers expanded in order.
 *
 * Objects that fail validation are not returned, as the API server would not store them; their
 * problems say why. Nothing here throws: every failure is a `Problem`.
 */
import type { Document } from 'yaml';
import { problem, type Problem, type SourceRef } from '../problems';
import { plainPlace, yamlPlace, type ObjectPlace } from './object-place';
import { readPlainYaml, type PlainStream } from './plain-yaml';
import { apiVersionsOf, kindInfo } from './schema';
import { LineIndex, startOf } from './source-map';
import type { ManifestObject, ParsedManifests, ParseLimits } from './types';
import { checkCrossFieldRules, quoteHint, show, Validator } from './validate';
import { composeDocuments, documentBody, NestingLimitError } from './yaml-document';

export type { ManifestObject, ParseLimits, ParsedManifests, ObjectPath } from './types';

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = {
  maxBytes: 20 * 1024 * 1024,
  maxDocuments: 100_000,
  maxAliasCount: 1_000,
  maxObjects: 200_000,
};

/** List wrappers nest at most this deep (kubectl prints one level). */
const MAX_LIST_DEPTH = 4;

function effectiveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  const pick = (k: keyof ParseLimits): number => {
    const v = limits?.[k];
    return typeof v === 'number' && v >= 0 && !Number.isNaN(v) ? v : DEFAULT_PARSE_LIMITS[k];
  };
  return { maxBytes: pick('maxBytes'), maxDocuments: pick('maxDocuments'), maxAliasCount: pick('maxAliasCount'), maxObjects: pick('maxObjects') };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Multi-document YAML / JSON / kind: List → objects with source positions, and problems. */
export function parseManifests(text: string, limits?: Partial<ParseLimits>): ParsedManifests {
  return readManifests(text, limits, true);
}

/**
 * `plainFastPath: false` reads everything with `yaml`: the differential tests compare the two.
 * @internal
 */
export function readManifests(text: string, limits: Partial<ParseLimits> | undefined, plainFastPath: boolean): ParsedManifests {
  const run = new ManifestReader(typeof text === 'string' ? text : String(text ?? ''), effectiveLimits(limits), plainFastPath);
  try {
    run.read();
  } catch (e) {
    run.problems.push(problem('error', 'internal', `could not read the input: ${errorText(e)}`, run.lastRef()));
  }
  return { objects: run.objects, problems: run.problems };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type AnyDoc = Document.Parsed;

class ManifestReader {
  readonly objects: ManifestObject[] = [];
  readonly problems: Problem[] = [];
  private readonly lines: LineIndex;
  private readonly seen = new Set<string>();
  private stopped = false;
  private docIndex = 0;
  private lastOffset = 0;
  /** Offset of the next `*` at or after the current document (-1: none left). */
  private nextStar = -2;

  constructor(
    private readonly text: string,
    private readonly limits: ParseLimits,
    private readonly plainFastPath: boolean,
  ) {
    this.lines = new LineIndex(text);
  }

  lastRef(): SourceRef {
    return this.lines.ref(Math.max(0, this.docIndex - 1), this.lastOffset);
  }

  read(): void {
    const { text, limits } = this;
    if (text.length > limits.maxBytes) {
      this.limit(-1, 0, `the input is ${text.length} characters long, over the limit of ${limits.maxBytes}; nothing was read`);
      return;
    }
    const plain = this.plainFastPath ? readPlainYaml(text) : null;
    if (plain && plain.docs.length <= limits.maxDocuments) {
      this.readPlain(plain);
      return;
    }
    const docs = composeDocuments(text);
    for (;;) {
      let next: IteratorResult<AnyDoc>;
      try {
        next = docs.next();
      } catch (e) {
        if (e instanceof NestingLimitError) {
          this.limit(this.docIndex, e.offset, `${e.message}; the rest of the input was not read`);
        } else {
          this.problems.push(problem('error', 'yaml-syntax', `YAML could not be parsed: ${errorText(e)}`, this.lines.ref(this.docIndex, this.lastOffset)));
        }
        return;
      }
      if (next.done) return;
      const doc = next.value;
      if (this.docIndex >= limits.maxDocuments) {
        this.limit(this.docIndex, startOf(doc.contents) ?? doc.range[0], `more than ${limits.maxDocuments} documents; the rest of the input was not read`);
        return;
      }
      this.lastOffset = doc.range[0];
      this.readDocument(doc, this.docIndex++);
      if (this.stopped) return;
    }
  }

  /** A stream the plain reader took whole: no syntax problems, positions from its side table. */
  private readPlain(plain: PlainStream): void {
    for (const d of plain.docs) {
      const index = this.docIndex++;
      this.lastOffset = d.start;
      if (d.body === null || d.body === undefined) continue; // empty document
      this.readObject(d.body, plainPlace(d.body, [], { text: this.text, doc: d, places: plain.places, index, lines: this.lines }), index, 0, undefined);
      if (this.stopped) return;
    }
  }

  private limit(doc: number, offset: number, message: string): void {
    this.problems.push(problem('error', 'limit', `limit: ${message}`, doc < 0 ? { doc: -1, line: 1, col: 1 } : this.lines.ref(doc, offset)));
    this.stopped = true;
  }

  private readDocument(doc: AnyDoc, index: number): void {
    for (const err of doc.errors) {
      this.problems.push(problem('error', 'yaml-syntax', err.message, this.lines.ref(index, err.pos[0], err.pos[1])));
    }
    for (const w of doc.warnings) {
      this.problems.push(problem('warning', 'yaml-warning', w.message, this.lines.ref(index, w.pos[0], w.pos[1])));
    }
    if (doc.errors.length > 0) return; // kubectl rejects the whole document
    const [start, end] = doc.range;
    // Documents come in text order, so one forward scan finds every `*` (possible alias) overall.
    if (this.nextStar !== -1 && this.nextStar < start) this.nextStar = this.text.indexOf('*', start);
    const result = documentBody(doc, this.limits.maxAliasCount, this.nextStar !== -1 && this.nextStar < end);
    if (!result.ok) {
      this.problems.push(problem('error', result.code, result.message, this.lines.ref(index, startOf(doc.contents) ?? start)));
      return;
    }
    const body = result.body;
    if (body === null || body === undefined) return; // empty document
    this.readObject(body, yamlPlace(doc.contents, doc, index, this.lines), index, 0, undefined);
  }

  private readObject(body: unknown, place: ObjectPlace, index: number, depth: number, list: { kind: string; apiVersion: unknown } | undefined): void {
    const { at } = place;
    const locate = place.locate;
    if (!isObject(body)) {
      const what = Array.isArray(body) ? 'a list' : `a ${typeof body}`;
      this.problems.push(problem('error', 'not-a-mapping', `${list ? 'a List item' : 'a document'} must be a mapping with apiVersion, kind and metadata, not ${what}`, locate([])));
      return;
    }
    // Typed lists from the API (PodList, ...) omit kind/apiVersion on items: they are implied.
    if (list && body.kind === undefined && list.kind.length > 4) body.kind = list.kind.slice(0, -4);
    if (list && body.apiVersion === undefined && typeof list.apiVersion === 'string') body.apiVersion = list.apiVersion;
    const { kind, apiVersion } = body;
    if (typeof kind === 'string' && kind.endsWith('List') && 'items' in body) {
      this.readList(body, place, index, depth);
      return;
    }
    const v = new Validator(locate);
    if (typeof kind !== 'string' || kind === '') {
      v.report('error', 'missing-kind', kind === undefined ? [] : ['kind'], kind === undefined ? 'kind is required' : `must be a non-empty string, got ${show(kind)}`);
    }
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      v.report('error', 'missing-api-version', apiVersion === undefined ? [] : ['apiVersion'], apiVersion === undefined ? 'apiVersion is required' : `must be a non-empty string, got ${show(apiVersion)}`);
    }
    const meta = body.metadata;
    const name = isObject(meta) ? meta.name : undefined;
    if (meta !== undefined && meta !== null && !isObject(meta)) v.report('error', 'bad-type', ['metadata'], 'must be a mapping');
    else if (typeof name !== 'string' || name === '')
      v.report('error', 'missing-name', ['metadata', 'name'], name === undefined || name === null ? 'is required' : `must be a non-empty string, got ${show(name)}${quoteHint(name)}`);
    if (typeof kind !== 'string' || typeof apiVersion !== 'string' || typeof name !== 'string' || v.errors > 0) {
      this.problems.push(...v.problems);
      return;
    }
    const info = kindInfo(apiVersion, kind);
    let ignored = false;
    if (info) {
      v.checkObject(body, info.schema, []);
      checkCrossFieldRules(kind, body, v);
    } else {
      ignored = true;
      const served = apiVersionsOf(kind);
      if (served.length > 0) {
        v.report('warning', 'wrong-api-version', ['apiVersion'], `${kind} ${show(name)} is ignored: ${kind} is served by ${served.join(' and ')}, not ${show(apiVersion)}`);
      } else {
        this.problems.push(problem('info', 'ignored-kind', `ignored: ${kind} ${show(name)} (${apiVersion}) is not a kind PacketWalk models`, locate(['kind']), 'kind'));
      }
    }
    this.problems.push(...v.problems);
    if (v.errors > 0) return;
    const ns = isObject(meta) && typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    const namespace = info && !info.namespaced ? undefined : ns;
    const kindKey = place.kindKey();
    const source = this.lines.ref(index, kindKey?.[0] ?? at, kindKey?.[1]);
    const id = `${kind}/${info?.namespaced === false ? '' : (namespace ?? 'default')}/${name}`;
    if (this.seen.has(id)) {
      this.problems.push(problem('warning', 'duplicate-object', `${kind} ${show(name)}${namespace ? ` in namespace ${show(namespace)}` : ''} appears more than once; the last one wins`, source));
    }
    this.seen.add(id);
    if (this.objects.length >= this.limits.maxObjects) {
      this.limit(index, at, `more than ${this.limits.maxObjects} objects; the rest of the input was not read`);
      return;
    }
    const obj: ManifestObject = { apiVersion, kind, name, namespace, body, source, index: this.objects.length, locate: (path) => locate(path) };
    if (ignored) obj.ignored = true;
    this.objects.push(obj);
  }

  private readList(body: Record<string, unknown>, place: ObjectPlace, index: number, depth: number): void {
    const items = body.items;
    if (items === null) return;
    if (!Array.isArray(items)) {
      this.problems.push(problem('error', 'bad-type', `items: a ${String(body.kind)} needs a list of items, got ${show(items)}`, place.locate(['items']), 'items'));
      return;
    }
    if (depth >= MAX_LIST_DEPTH) {
      this.problems.push(problem('error', 'limit', `limit: Lists nested more than ${MAX_LIST_DEPTH} deep`, place.locate([]), 'items'));
      return;
    }
    const list = { kind: String(body.kind), apiVersion: body.apiVersion };
    for (let i = 0; i < items.length && !this.stopped; i++) {
      this.readObject(items[i], place.item(i, items[i]), index, depth + 1, list);
    }
  }
}
