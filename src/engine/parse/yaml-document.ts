/**
 * Reading one YAML document the way kubectl does (go-yaml v2 under sigs.k8s.io/yaml): the YAML 1.1
 * scalars it resolves, aliases expanded with a budget, and recursive anchors refused.
 */
import { Composer, Lexer, Parser, type Document, type Tags } from 'yaml';

const DROPPED_TAGS = new Set(['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary', 'tag:yaml.org,2002:set', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs']);

/** The last schema tag list seen and its filtered form: every document of a stream asks again. */
let tagCache: { input: Tags; output: Tags } | undefined;

/**
 * go-yaml v2 keeps timestamps and base-60 numbers as strings when decoding into untyped JSON, and
 * has no !!set/!!omap/!!pairs/!!binary values, so those YAML 1.1 tags are dropped: bodies stay
 * plain JSON (what crosses the worker boundary). A `%YAML 1.2` document gets its own (core) list.
 */
export function kubernetesYaml11Tags(tags: Tags): Tags {
  const cached = tagCache;
  if (cached && cached.input.length === tags.length && cached.input.every((t, i) => t === tags[i])) return cached.output;
  const output = tags.filter((t) => typeof t === 'string' || (!('format' in t && t.format === 'TIME') && !DROPPED_TAGS.has(t.tag)));
  tagCache = { input: tags.slice(), output };
  return output;
}

/**
 * Nesting deeper than this stops the read. The YAML library composes and converts recursively, and
 * ~800 nested flow collections exhaust the JS stack (10,000 brought V8 down with an out-of-memory
 * abort, not a catchable error). Real manifests nest a few dozen levels at most.
 */
export const MAX_NESTING = 256;

/** Thrown out of the token stream when nesting passes MAX_NESTING (caught by the reader). */
export class NestingLimitError extends Error {
  constructor(readonly offset: number) {
    super(`nesting deeper than ${MAX_NESTING} levels`);
  }
}

/**
 * `Parser.parse`, driven lexeme by lexeme so the nesting depth can be checked before the composer
 * recurses into it. The CST parser keeps its open collections on `stack` (iteratively, so it is
 * safe to let it get there); if a future version hides it, the check degrades to counting flow
 * brackets.
 */
function* tokens(text: string): Generator<ReturnType<Parser['next']> extends Generator<infer T> ? T : never> {
  const parser = new Parser();
  const internals = parser as unknown as { stack?: unknown };
  let flow = 0;
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    const depth = Array.isArray(internals.stack) ? internals.stack.length : (flow += lexeme === '[' || lexeme === '{' ? 1 : lexeme === ']' || lexeme === '}' ? -1 : 0);
    if (depth > MAX_NESTING) throw new NestingLimitError(parser.offset);
  }
  yield* parser.end();
}

/** The documents of a stream, lazily: the caller stops early at its document limit. */
export function composeDocuments(text: string): Generator<Document.Parsed> {
  const composer = new Composer({ version: '1.1', customTags: kubernetesYaml11Tags });
  return composer.compose(tokens(text), true, text.length) as Generator<Document.Parsed>;
}

export type BodyResult = { ok: true; body: unknown } | { ok: false; code: 'limit' | 'yaml-syntax'; message: string };

/** The document as plain JSON, with aliases expanded within `maxAliasCount`. */
export function documentBody(doc: Document.Parsed, maxAliasCount: number, mayHaveAliases: boolean): BodyResult {
  let body: unknown;
  try {
    body = doc.toJS({ maxAliasCount });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/excessive alias count/i.test(message)) {
      return { ok: false, code: 'limit', message: `limit: YAML aliases in this document expand past maxAliasCount (${maxAliasCount}); document skipped` };
    }
    return { ok: false, code: 'yaml-syntax', message };
  }
  if (mayHaveAliases && hasCycle(body)) {
    return { ok: false, code: 'yaml-syntax', message: 'an anchor contains an alias to itself (a recursive value); document skipped' };
  }
  return { ok: true, body };
}

/** Iterative DFS (no recursion limit to hit); shared subtrees are visited once. */
export function hasCycle(root: unknown): boolean {
  const onPath = new Set<object>();
  const done = new Set<object>();
  const stack: { node: object; children: unknown[]; i: number }[] = [];
  const enter = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object' || done.has(v)) return false;
    if (onPath.has(v)) return true;
    onPath.add(v);
    stack.push({ node: v, children: Array.isArray(v) ? v : Object.values(v), i: 0 });
    return false;
  };
  if (enter(root)) return true;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (!top) break;
    if (top.i < top.children.length) {
      if (enter(top.children[top.i++])) return true;
    } else {
      onPath.delete(top.node);
      done.add(top.node);
      stack.pop();
    }
  }
  return false;
}
