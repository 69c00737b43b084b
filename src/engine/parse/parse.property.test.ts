/**
 * parseManifests never throws and every problem points inside the text, whatever it is given:
 * random strings, random YAML-ish token soup, generated manifests, and valid manifests mutated the
 * way a paste or an edit goes wrong (lines deleted or duplicated, truncation, swapped characters).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { SourceRef } from '../problems';
import { parseManifests } from './index';
import type { ObjectPath } from './types';

function expectInside(text: string, at: SourceRef, what: string): void {
  const lines = text.split('\n');
  const ok = (line: number, col: number) =>
    Number.isInteger(line) && Number.isInteger(col) && line >= 1 && line <= lines.length && col >= 1 && col <= (lines[line - 1]?.length ?? 0) + 1;
  if (!ok(at.line, at.col) || (at.endLine !== undefined && !ok(at.endLine, at.endCol ?? 1))) {
    throw new Error(`${what} points outside the text: ${JSON.stringify(at)}`);
  }
}

const PATHS: ObjectPath[] = [[], ['kind'], ['metadata', 'name'], ['spec', 'ports', 0, 'port'], ['spec', 'template', 'spec', 'containers', 0], ['items', 3], ['x', 'y', 'z']];

/** The invariants, checked on one input. */
function check(text: string): void {
  const { objects, problems } = parseManifests(text);
  for (const p of problems) {
    expect(['error', 'warning', 'info']).toContain(p.severity);
    expect(p.code).toMatch(/^[a-z-]+$/);
    expect(p.message.length).toBeGreaterThan(0);
    if (p.doc === -1) expect(p.code).toBe('limit');
    else expect(p.doc).toBeGreaterThanOrEqual(0);
    expectInside(text, p, `problem ${p.code}`);
  }
  objects.forEach((o, i) => {
    expect(o.index).toBe(i);
    expect(typeof o.kind === 'string' && typeof o.apiVersion === 'string' && typeof o.name === 'string').toBe(true);
    expectInside(text, o.source, 'object source');
    for (const path of PATHS) expectInside(text, o.locate(path), `locate(${JSON.stringify(path)})`);
    expect(() => JSON.stringify(o.body)).not.toThrow();
  });
}

const VALID = [
  `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http, nodePort: 30080}
`,
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      dnsPolicy: ClusterFirst
      containers:
      - name: web
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
`,
  `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p1, namespace: default}
  spec: {nodeName: k8s-w1, containers: [{name: c, image: busybox}]}
  status: {podIP: 172.16.194.65, hostIP: 192.168.10.101, phase: Running}
- apiVersion: crd.projectcalico.org/v1
  kind: IPPool
  metadata: {name: default-ipv4-ippool}
  spec: {cidr: 172.16.0.0/16, blockSize: 26, ipipMode: Always, natOutgoing: true}
kind: List
metadata:
  resourceVersion: ""
`,
  `{"apiVersion": "packetwalk.dev/v1alpha1", "kind": "Cluster", "metadata": {"name": "demo"},
 "spec": {"cni": "flannel", "podCIDR": "10.244.0.0/16", "nodes": [{"name": "n1", "ip": "192.168.10.10"}]}}
`,
];
const CORPUS = VALID.join('---\n');

const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(':', '-', ' ', '\t', '"', "'", '[', '}', '&a ', '*a', '\n', '---\n', '#', '\u0000', '<<: *a\n') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = lines.length ? m.at % lines.length : 0;
  const ci = text.length ? m.at % text.length : 0;
  switch (m.op) {
    case 'delete-line':
      return [...lines.slice(0, li), ...lines.slice(li + 1)].join('\n');
    case 'duplicate-line':
      return [...lines.slice(0, li + 1), ...lines.slice(li)].join('\n');
    case 'truncate':
      return text.slice(0, ci);
    case 'swap': {
      const cj = text.length ? m.with % text.length : 0;
      const chars = [...text];
      [chars[ci], chars[cj]] = [chars[cj] ?? '', chars[ci] ?? ''];
      return chars.join('');
    }
    case 'insert':
      return text.slice(0, ci) + m.text + text.slice(ci);
  }
}

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 80, 65536, -1, 1.5, '', 'on', 'http', '10.0.0.0/8', '1.2.3.4', 'None', 'TCP', '<script>'),
    fc.string({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('port', 'ports', 'spec', 'type', 'name', 'cidr', 'items', 'kind', 'metadata', 'targetPort', 'clusterIP', 'x'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const manifest = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'networking.k8s.io/v1', 'discovery.k8s.io/v1', 'crd.projectcalico.org/v1', 'packetwalk.dev/v1alpha1', 'x/v1'),
    kind: fc.constantFrom('Pod', 'Service', 'Deployment', 'List', 'PodList', 'EndpointSlice', 'Node', 'NetworkPolicy', 'IPPool', 'Cluster', 'Widget'),
    metadata: fc.record({ name: fc.oneof(fc.string({ maxLength: 6 }), json), namespace: fc.string({ maxLength: 4 }) }, { requiredKeys: [] }),
    spec: json,
    items: fc.array(json, { maxLength: 3 }),
    status: json,
  },
  { requiredKeys: ['kind'] },
);

const YAMLISH = ['a', 'kind', ':', ' ', '  ', '-', '- ', '\n', '\t', '[', ']', '{', '}', ',', '"', "'", '#', '&a ', '*a', '!!str ', '!!binary ', '---', '...', '|', '>', '<<', '? ', '%YAML 1.1\n', 'on', '0x1F', '1:20', '~', 'apiVersion: v1', 'kind: Service', 'metadata: {name: x}', 'port: 80', '\r\n', '\u2028', '\uFEFF', '\u0007'];

// Generous: hundreds of runs each, on a machine that may be busy. No timing is asserted.
const TIMEOUT = 120_000;

describe('parseManifests never throws and positions stay inside the text', () => {
  it('the valid corpus parses cleanly (the mutations start from good input)', () => {
    const r = parseManifests(CORPUS);
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => o.kind)).toEqual(['Service', 'Deployment', 'Pod', 'IPPool', 'Cluster']);
    check(CORPUS);
  });

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 300 });
  }, TIMEOUT);

  it('random YAML-ish token soup', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...YAMLISH), { maxLength: 60 }).map((t) => t.join('')), check), { numRuns: 500 });
  }, TIMEOUT);

  it('generated manifests, as YAML and as JSON, several per stream', () => {
    fc.assert(
      fc.property(fc.array(manifest, { minLength: 1, maxLength: 4 }), fc.boolean(), (docs, asJson) => {
        check(asJson ? docs.map((d) => JSON.stringify(d, null, 2)).join('\n---\n') : docs.map((d) => stringify(d)).join('---\n'));
      }),
      { numRuns: 300 },
    );
  }, TIMEOUT);

  it('valid manifests with lines deleted or duplicated, truncated, characters swapped or inserted', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        check(ms.reduce(mutate, CORPUS));
      }),
      { numRuns: 500 },
    );
  }, TIMEOUT);
});
