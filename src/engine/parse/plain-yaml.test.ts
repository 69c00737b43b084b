/**
 * The plain reader against the `yaml` library it stands in for: wherever it takes a stream, it
 * must give exactly what `yaml` gives (YAML 1.1, Kubernetes' tags) — the same documents, the same
 * values — and `yaml` must find no error or warning there. Where it declines, `yaml` reads the text.
 * Then the whole parse, with and without the fast path: the same objects, problems and positions.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchManifests } from '../../../bench/generate';
import { readManifests } from './index';
import { readPlainYaml } from './plain-yaml';
import type { ObjectPath } from './types';
import { composeDocuments, documentBody } from './yaml-document';

/** What `yaml` makes of the stream, as the slow path reads it. */
function yamlDocs(text: string): { bodies: unknown[]; clean: boolean } {
  const bodies: unknown[] = [];
  let clean = true;
  for (const doc of composeDocuments(text)) {
    if (doc.errors.length || doc.warnings.length) clean = false;
    const r = documentBody(doc, 1000, true);
    bodies.push(r.ok ? r.body : { failed: r.message });
    if (!r.ok) clean = false;
  }
  return { bodies, clean };
}

/** Asserts the reader agrees with `yaml` on `text`; returns whether it took the text. */
function agrees(text: string): boolean {
  const fast = readPlainYaml(text);
  if (!fast) return false;
  const slow = yamlDocs(text);
  expect(slow.clean, `yaml has problems with a text the plain reader took:\n${text}`).toBe(true);
  expect(fast.docs.map((d) => d.body), JSON.stringify(text)).toEqual(slow.bodies);
  return true;
}

const here = new URL('.', import.meta.url).pathname;
const presetDir = join(here, '../../presets');
const CORPUS: [string, string][] = [
  ...readdirSync(presetDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, string] => [`preset ${f}`, readFileSync(join(presetDir, f), 'utf8')]),
  ['exported Calico cluster (kubectl get -o yaml List)', readFileSync(join(here, '../walk/fixtures/exported-calico.yaml'), 'utf8')],
  ['bench cluster, 100 services', benchManifests({ services: 100, nodes: 10 })],
];

describe('the plain reader takes real manifests and reads them as yaml does', () => {
  for (const [name, text] of CORPUS) {
    it(name, () => {
      expect(agrees(text)).toBe(true);
    });
  }
});

describe('YAML forms, one by one', () => {
  // Each is taken by the plain reader and must read as `yaml` reads it.
  const TAKEN: string[] = [
    'a: 1\n---\n',
    '# only a comment\n---\na: 1\n',
    '---\n---\nb: 2\n',
    '--- # marker comment\na: 1\n',
    'kind: Pod\nspec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n  - name: b\nstatus: {}\n',
    'a:\n- x\n- y\nb: z\n',
    '- a: 1\n  b:\n  - c\n- d\n',
    'v: [{ name: http, port: 80 }, [], {}, [a, b c]]\n',
    'img: { image: nginx:1.27, url: http://x/y }\n',
    'k: yes\nl: No\nm: on\nnn: OFF\noo: y\np: ~\nq: null\nr:\n',
    'a: 0777\nb: 0x1F\nc: 0b101\nd: 1_000\ne: 12:30\nf: 1.5\ng: .5\nh: 1e3\ni: e5\nj: .inf\nk: -.Inf\nl: .nan\nm: +12\nz: -0\n',
    'a: 2024-01-02\nb: 2024-01-02T10:00:00Z\nc: 190:20:30\n',
    'a: "double \\"quoted\\" \\t \\u00e9 \\x41 \\\\ \\/"\nb: \'single \'\'quoted\'\'\'\nc: "#not a comment"\n',
    'a: value # comment\nb: a#b\nc: -listen=:8080\nd: "1"\n',
    'a: |\n  line 1\n\n  line 3\n\nb: 1\n',
    'a: |-\n  x\n  y\n\n\nb: |+\n  x\n\n\nc: >\n  folded\n  text\n\n  para\nd: >-\n  x\n',
    'a: |\n    deeper\n    lines\n  \nb: 2\n',
    'a: |\n\n  after a blank\nb: 1\n',
    'a: |\n  x',
    'a: |+\n  x\n  ',
    'a: |+\n  x\n\nb: 1',
    'list:\n- |\n  block in a list\n- after\n',
    'a:\n  b:\n    c: 1\n  d: 2\ne: 3\n',
    '  indented: root\n  second: key\n',
    'annotations:\n  kubernetes.io/hostname: n1\n  projectcalico.org/IPv4Address: 192.168.10.10/24\n  "quoted key": v\n',
    'a: ""\nb: \'\'\nc: []\nd: {}\n',
    'a: 12345678901234567890\nb: 1.0\nc: 100.0e-2\n',
    'x: ünïcødé\nw: 日本\n',
    'a: b\n...\n'.slice(0, 5),
  ];
  for (const text of TAKEN) {
    it(`takes ${JSON.stringify(text.slice(0, 60))}`, () => {
      expect(agrees(text)).toBe(true);
    });
  }

  // Each is outside the subset: declined, so that `yaml` reads it (and reports its problems).
  const DECLINED: string[] = [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: multi\n  line plain\n',
    'a: "multi\n  line"\n',
    'a: [1,\n  2]\n',
    'a:\tb\n',
    'a: 1\r\nb: 2\r\n',
    'a: 1\na: 2\n',
    '? complex\n: key\n',
    '<<: {a: 1}\n',
    '__proto__: x\n',
    '80: http\n',
    'yes: 1\n',
    'n: 1\n',
    'a: |2\n   x\n',
    'a: >\n  x\n    more indented\n',
    'a: b: c\n',
    'a: [x,]\n',
    'just a scalar\n',
    '- - nested\n',
    'a: 1\n  b: 2\n',
    'a: "unterminated\n',
    'a: 1\n...\nb: 2\n',
  ];
  for (const text of DECLINED) {
    it(`declines ${JSON.stringify(text.slice(0, 60))}`, () => {
      expect(readPlainYaml(text)).toBeNull();
    });
  }
});

// Random manifest-shaped YAML from pieces that matter to the reader: every scalar form above, keys,
// comments, block and flow collections, block scalars, markers; then mutated by an edit.
const SCALARS = [
  'x', 'nginx:1.27', 'yes', 'No', 'on', 'y', 'n', '~', 'null', '0777', '08', '0x1F', '0b11', '1_000', '12:30', '1.5', '.5', '1e3', 'e5', 'E5',
  '.inf', '-.inf', '.nan', '+1', '-1', '2024-01-02', 'true', 'False', 'http://a/b', '-flag=1', 'a b c', '"q \\" q"', "'s '' s'", '""', '"\\u00e9"',
  'nullx', 'Nope', 'tRuE', 'TRUE', 'True', 'Yes', 'yes2', 'off', 'OFF', 'onx', 'e+5', 'E-3', 'e', 'eX', 'e_1', 'Null', 'NULL', 'nULL', 'Off', 'false',
  'a#b', '192.168.10.10', '10.96.0.0/12', 'ünï', '|', '>-', '*a', '&a x', '!t x', '@x', '`x`', '%x', '[a, b]', '{ a: 1 }', '[]', '{}',
];
const KEYS = ['name', 'kind', 'a', 'b.c/d', 'x-y', '"q k"', "'s k'", 'Kind', 'image', 'port', 'spec', 'metadata', 'app', 'k1', 'k2', 'k3', 'k4', 'k5', 'e', 'e1', 'z_z'];
const BAD_KEYS = ['yes', '1', 'on', 'n', '<<', '~'];

const scalar = fc.constantFrom(...SCALARS);
const key = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_KEYS) });
const comment = fc.constantFrom('', ' # c', '#c');

function lines(depth: number): fc.Arbitrary<string[]> {
  const indent = '  '.repeat(depth);
  const leaf = fc.tuple(key, scalar, comment).map(([k, v, c]) => [`${indent}${k}: ${v}${c}`]);
  const blockScalar = fc
    .tuple(key, fc.constantFrom('|', '|-', '|+', '>', '>-'), fc.array(fc.constantFrom('text', '', 'more text', '  deeper', '# not a comment'), { minLength: 1, maxLength: 4 }))
    .map(([k, h, body]) => [`${indent}${k}: ${h}`, ...body.map((b) => (b === '' ? '' : `${indent}  ${b}`))]);
  if (depth >= 3) return fc.oneof(leaf, blockScalar);
  const nestedMap = fc.tuple(key, fc.array(lines(depth + 1), { minLength: 1, maxLength: 3 })).map(([k, ls]) => [`${indent}${k}:`, ...ls.flat()]);
  const sameIndentList = fc
    .tuple(key, fc.array(fc.oneof(scalar.map((v) => [v]), fc.array(fc.tuple(key, scalar), { minLength: 1, maxLength: 3 }).map((kv) => kv.map(([k, v]) => `${k}: ${v}`))), { minLength: 1, maxLength: 3 }))
    .map(([k, items]) => [`${indent}${k}:`, ...items.flatMap((it) => it.map((l, i) => `${indent}${i === 0 ? '- ' : '  '}${l}`))]);
  return fc.oneof(leaf, leaf, blockScalar, nestedMap, sameIndentList);
}

const flowValue: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar.filter((x) => !/^[|>]/.test(x)),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(key, tie('v')), { maxLength: 3 }).map((kv) => `{ ${kv.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
  ),
})).v;
const flowLine = fc.tuple(key, flowValue, comment).map(([k, v, c]) => [`${k}: ${v}${c}`]);
const extraLine = fc.constantFrom(['# a comment line'], [''], ['   '], ['    # indented comment']);
const documentText = fc.array(fc.oneof(lines(0), lines(0), flowLine, extraLine), { minLength: 1, maxLength: 6 }).map((ls) => ls.flat().join('\n'));
const stream = fc
  .tuple(fc.array(documentText, { minLength: 1, maxLength: 3 }), fc.constantFrom('---', '--- # m', '---\n# c'), fc.boolean())
  .map(([docs, sep, lead]) => `${lead ? '---\n' : ''}${docs.join(`\n${sep}\n`)}\n`);

const edit = fc.tuple(fc.nat(), fc.constantFrom('', ' ', '\n', ':', '-', '#', '"', "'", '{', '[', ']', '}', ',', '\t', '|', '>', '  ', '\n  ', '\n- ', '!', '&', '*', '.', 'e', '0', '\\', '---\n')).map(
  ([at, ch]) =>
    (text: string) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + ch + text.slice(i + (ch === '' ? 1 : 0));
    },
);

describe('random manifest-shaped YAML', () => {
  it('wherever the plain reader takes a stream, yaml reads it the same and finds no problem', () => {
    let taken = 0;
    fc.assert(
      fc.property(stream, fc.array(edit, { maxLength: 2 }), (text, edits) => {
        const t = edits.reduce((acc, e) => e(acc), text);
        if (agrees(t)) taken++;
      }),
      { numRuns: 4000, seed: 7 },
    );
    // The generator is not so hostile that nothing is taken: the comparison must run.
    expect(taken).toBeGreaterThan(150);
  });
});

describe('the whole parse, with and without the fast path', () => {
  const PATHS: ObjectPath[] = [[], ['kind'], ['metadata', 'name'], ['spec'], ['spec', 'ports', 0, 'port'], ['spec', 'template', 'spec', 'containers', 0, 'image'], ['nope', 'x']];
  const INVALID = [
    'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec:\n  ports:\n  - port: eighty\n    targetPort: http\n',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: { name: p }\n  spec:\n    nodeName: 7\n- just a string\n- kind: Pod\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {}\n---\nkind: Service\n---\napiVersion: v1\nkind: Widget\nmetadata: { name: w }\n',
  ];
  for (const [name, text] of [...CORPUS, ...INVALID.map((t, i): [string, string] => [`invalid ${i + 1}`, t])]) {
    it(name, () => {
      expect(readPlainYaml(text)).not.toBeNull();
      const fast = readManifests(text, undefined, true);
      const slow = readManifests(text, undefined, false);
      expect(fast.problems).toEqual(slow.problems);
      expect(fast.objects.length).toBe(slow.objects.length);
      fast.objects.forEach((o, i) => {
        const s = slow.objects[i]!;
        expect({ ...o, locate: null }).toEqual({ ...s, locate: null });
        for (const p of PATHS) expect(o.locate(p), `${o.kind}/${o.name} ${JSON.stringify(p)}`).toEqual(s.locate(p));
      });
    });
  }
});
