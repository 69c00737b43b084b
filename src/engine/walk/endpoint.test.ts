import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/types';
import { parseEndpoint, resolveEndpoint } from './endpoint';

describe('parseEndpoint', () => {
  it('reads every documented form', () => {
    expect(parseEndpoint('pod/kube-system/coredns-abc')).toEqual({ kind: 'pod', namespace: 'kube-system', name: 'coredns-abc' });
    expect(parseEndpoint('pod/web')).toEqual({ kind: 'pod', namespace: 'default', name: 'web' });
    expect(parseEndpoint('node/k8s-w1')).toEqual({ kind: 'node', name: 'k8s-w1' });
    expect(parseEndpoint('svc/default/backend:http')).toEqual({ kind: 'service', namespace: 'default', name: 'backend', port: 'http' });
    expect(parseEndpoint('svc/kube-system/kube-dns')).toEqual({ kind: 'service', namespace: 'kube-system', name: 'kube-dns' });
    expect(parseEndpoint('svc/backend:8080')).toEqual({ kind: 'service', namespace: 'default', name: 'backend', port: '8080' });
    expect(parseEndpoint('external/203.0.113.50')).toEqual({ kind: 'external', ip: '203.0.113.50' });
    expect(parseEndpoint('10.96.0.10:53')).toEqual({ kind: 'address', ip: '10.96.0.10', port: 53 });
    expect(parseEndpoint('8.8.8.8')).toEqual({ kind: 'address', ip: '8.8.8.8' });
    expect(parseEndpoint('dns:backend')).toEqual({ kind: 'dns', name: 'backend' });
    expect(parseEndpoint('dns:example.com.:443')).toEqual({ kind: 'dns', name: 'example.com.', port: 443 });
  });
  it('explains what is wrong', () => {
    for (const bad of ['', 'pod/', 'pod/a/b/c', 'pod/Web', 'svc/x/y:', 'external/foo', '300.1.1.1:80', '1.2.3.4:0', '1.2.3.4:70000', 'deploy/web', 'dns:', 'dns:a b']) {
      const r = parseEndpoint(bad);
      expect(r, bad).toHaveProperty('error');
      expect((r as { error: string }).error).toContain('expected pod/<ns>/<name>');
    }
  });
});

describe('resolveEndpoint', () => {
  const cluster = {
    nodes: [{ name: 'k8s-w1', ip: '192.168.10.101' }],
    pods: [
      { namespace: 'default', name: 'frontend-6d5f8c7b9-abcde', ip: '172.16.1.5', hostNetwork: false },
      { namespace: 'default', name: 'frontend-6d5f8c7b9-zzzzz', ip: '172.16.1.6', hostNetwork: false },
    ],
    services: [{ namespace: 'default', name: 'backend', ports: [{ name: 'http', port: 80 }, { name: '', port: 9090 }] }],
  } as unknown as Cluster;
  it('finds pods by exact name, or the first pod of a workload by prefix', () => {
    expect(resolveEndpoint(cluster, 'pod/default/frontend-6d5f8c7b9-zzzzz')).toMatchObject({ kind: 'pod', pod: { ip: '172.16.1.6' } });
    expect(resolveEndpoint(cluster, 'pod/frontend')).toMatchObject({ kind: 'pod', pod: { ip: '172.16.1.5' } });
  });
  it('names what exists when a lookup fails', () => {
    expect(resolveEndpoint(cluster, 'pod/default/nope')).toEqual({ error: expect.stringContaining('known: frontend-6d5f8c7b9-abcde') });
    expect(resolveEndpoint(cluster, 'node/k8s-w9')).toEqual({ error: 'no node k8s-w9 (known: k8s-w1)' });
    expect(resolveEndpoint(cluster, 'svc/default/backend:grpc')).toEqual({ error: 'service default/backend has no port grpc (ports: http/80, 9090)' });
  });
  it('picks service ports by name or number', () => {
    expect(resolveEndpoint(cluster, 'svc/default/backend:9090')).toMatchObject({ port: { port: 9090 } });
    expect(resolveEndpoint(cluster, 'svc/default/backend')).toMatchObject({ port: { name: 'http' } });
  });
  it('attaches the owner of a bare address', () => {
    expect(resolveEndpoint(cluster, '172.16.1.5:8080')).toMatchObject({ kind: 'address', port: 8080, owner: { pod: { name: 'frontend-6d5f8c7b9-abcde' } } });
    expect(resolveEndpoint(cluster, '192.168.10.101:30080')).toMatchObject({ owner: { node: { name: 'k8s-w1' } } });
    expect(resolveEndpoint(cluster, '1.1.1.1:53')).toEqual({ kind: 'address', ip: '1.1.1.1', port: 53 });
  });
});
