import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { deployment, manifests, service } from './test-manifests';

const pod = (name: string, ip: string, labels: Record<string, string>, extra: { ready?: boolean; phase?: string; ports?: unknown[] } = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
  spec: { nodeName: 'k8s-w1', containers: [{ name: 'c', ports: extra.ports ?? [] }] },
  status: { phase: extra.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});

describe('endpoints', () => {
  it('resolves a named targetPort per pod and skips pods without that port (EndpointSlice controller)', () => {
    const { cluster } = buildCluster(manifests(
      pod('a', '172.16.0.70', { app: 'w' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', '172.16.0.71', { app: 'w' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', '172.16.0.72', { app: 'w' }, { ports: [{ name: 'metrics', containerPort: 8080 }] }),
      pod('d', '172.16.0.73', { app: 'w' }, { ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }] }),
      service('w', { selector: { app: 'w' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] }),
    ));
    const eps = cluster.services.find((s) => s.name === 'w')?.ports[0]?.endpoints;
    expect(eps?.map((e) => `${e.ip}:${e.port}`)).toEqual(['172.16.0.70:8080', '172.16.0.71:9090']);
    expect(eps?.[0]).toMatchObject({ nodeName: 'k8s-w1', pod: { namespace: 'default', name: 'a' }, ready: true });
  });

  it('keeps not-ready pods as not-ready endpoints, drops finished pods, publishes with publishNotReadyAddresses', () => {
    const objs = (publish: boolean) => manifests(
      pod('a', '172.16.0.70', { app: 'w' }),
      pod('b', '172.16.0.71', { app: 'w' }, { ready: false }),
      pod('c', '172.16.0.72', { app: 'w' }, { phase: 'Succeeded' }),
      service('w', { selector: { app: 'w' }, publishNotReadyAddresses: publish, ports: [{ port: 80 }] }),
    );
    const eps = (publish: boolean) => buildCluster(objs(publish)).cluster.services.find((s) => s.name === 'w')?.ports[0]?.endpoints.map((e) => [e.ip, e.ready, e.serving]);
    expect(eps(false)).toEqual([['172.16.0.70', true, true], ['172.16.0.71', false, false]]);
    expect(eps(true)).toEqual([['172.16.0.70', true, true], ['172.16.0.71', true, false]]);
  });

  it('marks pods with a deletionTimestamp as terminating, serving while still ready', () => {
    const p = pod('old', '172.16.0.70', { app: 'w' });
    const { cluster } = buildCluster(manifests(
      { ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T10:00:00Z' } },
      service('w', { selector: { app: 'w' }, ports: [{ port: 80 }] }),
    ));
    const e = cluster.services.find((s) => s.name === 'w')?.ports[0]?.endpoints[0];
    expect([e?.ready, e?.serving, e?.terminating]).toEqual([false, true, true]);
  });

  it('prefers pasted EndpointSlices over the selector and over Endpoints', () => {
    const { cluster } = buildCluster(manifests(
      deployment('w', 2),
      service('w', { selector: { app: 'w' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
        metadata: { name: 'w-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'w' } },
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['172.16.0.90'], conditions: { ready: true }, nodeName: 'k8s-w1', targetRef: { kind: 'Pod', name: 'w-x', namespace: 'default' } },
          { addresses: ['172.16.0.91'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'k8s-w2' },
          { addresses: ['172.16.0.92'] },
        ],
      },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'w', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 1 }] }] },
    ));
    const eps = cluster.services.find((s) => s.name === 'w')?.ports[0]?.endpoints;
    expect(eps?.map((e) => [e.ip, e.port, e.ready, e.serving, e.terminating, e.nodeName])).toEqual([
      ['172.16.0.90', 8080, true, true, false, 'k8s-w1'],
      ['172.16.0.91', 8080, false, true, true, 'k8s-w2'],
      ['172.16.0.92', 8080, true, true, false, undefined], // nil conditions read as ready
    ]);
    expect(eps?.[0]?.pod).toEqual({ namespace: 'default', name: 'w-x' });
  });

  it('reads core/v1 Endpoints (notReadyAddresses are not ready) for a selector-less service', () => {
    const { cluster } = buildCluster(manifests(
      service('ext', { ports: [{ port: 5432 }] }),
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' },
        subsets: [{ addresses: [{ ip: '192.0.2.1' }], notReadyAddresses: [{ ip: '192.0.2.2' }], ports: [{ port: 5432 }] }] },
    ));
    expect(cluster.services.find((s) => s.name === 'ext')?.ports[0]?.endpoints.map((e) => [e.ip, e.port, e.ready])).toEqual([
      ['192.0.2.1', 5432, true], ['192.0.2.2', 5432, false],
    ]);
  });

  it('reports slices and Endpoints for missing services, and Ingress backends naming missing services', () => {
    const { problems, cluster } = buildCluster(manifests(
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'ghost-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'ghost' } }, endpoints: [] },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'gone', namespace: 'default' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing', namespace: 'default' },
        spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nope', port: { number: 80 } } } }] } }] } },
    ));
    expect(problems.map((p) => [p.code, p.doc, p.path])).toEqual([
      ['dangling-ref', 0, 'metadata.labels.kubernetes.io/service-name'],
      ['dangling-ref', 1, 'metadata.name'],
      ['dangling-ref', 2, 'spec.rules[0].http.paths[0].backend'],
    ]);
    expect(cluster.ingresses[0]).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'a.example', paths: [{ path: '/', pathType: 'Prefix', backend: { service: 'nope', port: 80 } }] }] });
  });
});
