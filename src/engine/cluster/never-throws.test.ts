import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { deployment, manifest, node, profile, service } from './test-manifests';

const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Service', 'Endpoints', 'EndpointSlice',
  'Node', 'Namespace', 'NetworkPolicy', 'Ingress', 'IngressClass', 'ConfigMap', 'IPPool', 'BlockAffinity', 'Cluster'];

/** Replace the value at a random path of a valid body with an arbitrary JSON value. */
function mutate(body: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof body !== 'object' || body === null) return value;
  const [step = 0, ...rest] = path;
  if (Array.isArray(body)) {
    if (body.length === 0) return value;
    const i = step % body.length;
    return body.map((x, j) => (j === i ? mutate(x, rest, value) : x));
  }
  const keys = Object.keys(body);
  if (keys.length === 0) return value;
  const k = keys[step % keys.length] as string;
  return { ...(body as Record<string, unknown>), [k]: mutate((body as Record<string, unknown>)[k], rest, value) };
}

const seeds = [
  deployment('web', 2, { ports: [{ name: 'http', containerPort: 80 }], podSpec: { tolerations: [{ operator: 'Exists' }], nodeSelector: { a: 'b' } } }),
  service('web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30001 }] }),
  node('n1', '10.0.0.1', { annotations: { 'projectcalico.org/IPv4Address': '10.0.0.1/24' }, spec: { podCIDR: '10.244.0.0/24', taints: [{ key: 'k', effect: 'NoSchedule' }] } }),
  profile({ cni: 'flannel', nodes: [{ name: 'a', ip: '10.0.0.9' }], kubeProxy: { masqueradeBit: 3 } }),
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    ports: [{ name: 'http', port: 80 }], endpoints: [{ addresses: ['172.16.0.9'], conditions: { ready: true } }] },
  { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'p' }, spec: { cidr: '10.10.0.0/16', blockSize: 26, ipipMode: 'Always' } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default' }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } },
];

describe('buildCluster never throws', () => {
  it('on arbitrary bodies of every kind', () => {
    fc.assert(fc.property(fc.array(fc.record({ kind: fc.constantFrom(...KINDS), body: fc.jsonValue() }), { maxLength: 6 }), (items) => {
      const objs = items.map((it, i) => {
        const o = manifest(typeof it.body === 'object' && it.body !== null && !Array.isArray(it.body) ? (it.body as Record<string, unknown>) : {}, i);
        return { ...o, kind: it.kind, name: `o${i}`, namespace: i % 2 ? 'default' : undefined, apiVersion: it.kind === 'Cluster' ? 'packetwalk.dev/v1alpha1' : 'crd.projectcalico.org/v1' };
      });
      expect(() => buildCluster(objs)).not.toThrow();
    }), { numRuns: 300 });
  });

  it('on valid manifests with one field replaced by anything', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue(), (which, path, value) => {
      const objs = seeds.map((b, i) => {
        const m = i === which ? mutate(b, path, value) : b;
        // The parser only hands over objects; anything else would not reach us.
        return manifest(typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : {}, i);
      });
      expect(() => buildCluster(objs)).not.toThrow();
    }), { numRuns: 500 });
  });
});
