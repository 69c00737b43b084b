import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, parseManifests } from './index';
import { MAX_NESTING } from './yaml-document';

const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_PARSE_LIMITS).toEqual({ maxBytes: 20 * 1024 * 1024, maxDocuments: 100_000, maxAliasCount: 1_000, maxObjects: 200_000 });
  });

  it('refuses input over maxBytes without reading it (a whole-input problem: doc -1)', () => {
    const { objects, problems } = parseManifests(namespace('a'), { maxBytes: 10 });
    expect(objects).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', code: 'limit', doc: -1, line: 1, col: 1 })]);
    expect(problems[0]!.message).toContain('over the limit of 10');
    const big = parseManifests(`# ${'x'.repeat(DEFAULT_PARSE_LIMITS.maxBytes)}\n`);
    expect(big.problems.map((p) => [p.code, p.doc])).toEqual([['limit', -1]]);
  });

  it('reads the first maxDocuments documents and says where it stopped', () => {
    const text = [namespace('a'), namespace('b'), namespace('c')].join('---\n');
    const { objects, problems } = parseManifests(text, { maxDocuments: 2 });
    expect(objects.map((o) => o.name)).toEqual(['a', 'b']);
    // the third document's content starts on line 9
    expect(problems.map((p) => [p.code, p.doc, p.line, p.col])).toEqual([['limit', 2, 9, 1]]);
    expect(problems[0]!.message).toBe('limit: more than 2 documents; the rest of the input was not read');
  });

  it('stops at maxObjects after List expansion', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ['a', 'b', 'c'].map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })) }, null, 1);
    const { objects, problems } = parseManifests(text, { maxObjects: 2 });
    expect(objects.map((o) => o.name)).toEqual(['a', 'b']);
    expect(problems.map((p) => [p.code, p.doc])).toEqual([['limit', 0]]);
    expect(problems[0]!.message).toContain('more than 2 objects');
  });

  it('stops a billion-laughs document with a limit problem instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n${levels.join('\n')}\n`;
    const { objects, problems } = parseManifests(text);
    expect(objects).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ code: 'limit', doc: 0, line: 1, col: 1 })]);
    expect(problems[0]!.message).toContain('maxAliasCount (1000)');
  });

  it('applies a custom maxAliasCount and keeps the other documents', () => {
    const aliased = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: &v "1", b: *v, c: *v, d: *v}\n';
    expect(parseManifests(aliased).problems).toEqual([]);
    const r = parseManifests(`${aliased}---\n${namespace('ok')}`, { maxAliasCount: 2 });
    expect(r.problems.map((p) => [p.code, p.doc])).toEqual([['limit', 0]]);
    expect(r.objects.map((o) => o.name)).toEqual(['ok']);
  });

  it('stops absurd nesting before the YAML library recurses into it', () => {
    for (const text of ['['.repeat(10_000), '{a: '.repeat(5_000), '- '.repeat(5_000) + 'x']) {
      const { objects, problems } = parseManifests(text);
      expect(objects).toEqual([]);
      expect(problems).toEqual([expect.objectContaining({ code: 'limit', doc: 0, line: 1 })]);
      expect(problems[0]!.message).toContain(`nesting deeper than ${MAX_NESTING} levels`);
    }
    // Nesting a real manifest uses (a few dozen levels) is fine.
    let deep: unknown = 'leaf';
    for (let i = 0; i < 60; i++) deep = { k: [deep] };
    const ok = parseManifests(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, x: deep }));
    expect(ok.problems).toEqual([]);
  });

  it('treats hostile strings as data', () => {
    const huge = 'n'.repeat(100_000);
    const text = `apiVersion: v1\nkind: Service\nmetadata: {name: ${huge}, namespace: "a\\u0007b<script>"}\nspec: {type: "\\u0000<img onerror=x>"}\n`;
    const { objects, problems } = parseManifests(text);
    expect(objects).toEqual([]);
    expect(problems).toHaveLength(1);
    // The message shows the value JSON-escaped, never raw control characters.
    expect(problems[0]!.message).toBe('type: unsupported value "\\u0000<img onerror=x>": must be one of ClusterIP, NodePort, LoadBalancer, ExternalName');
    const fine = parseManifests(text.replace(/spec: .*\n/, ''));
    expect(fine.problems).toEqual([]);
    expect(fine.objects[0]).toMatchObject({ name: huge, namespace: 'a\u0007b<script>' });
  });
});
