import { describe, expect, it } from 'vitest';
import { cidrContains } from '../net/ipv4';
import { buildCluster } from './index';
import { manifests, service } from './test-manifests';

describe('service addresses', () => {
  it('allocates cluster IPs inside the service CIDR, deterministically, never .1/.10 for others', () => {
    const objs = () => manifests(...Array.from({ length: 50 }, (_, i) => service(`s${i}`, { ports: [{ port: 80 }] })));
    const a = buildCluster(objs()).cluster.services.filter((s) => s.name.startsWith('s'));
    const b = buildCluster(objs()).cluster.services.filter((s) => s.name.startsWith('s'));
    expect(a.map((s) => s.clusterIP)).toEqual(b.map((s) => s.clusterIP));
    expect(new Set(a.map((s) => s.clusterIP)).size).toBe(50);
    for (const s of a) {
      expect(cidrContains('10.96.0.0/12', s.clusterIP)).toBe(true);
      expect(s.clusterIP).not.toBe('10.111.255.255'); // broadcast
      // Dynamic allocation stays above the static band: min(max(16, 2^20/16), 256) = 256 addresses
      // after the network address (kube-apiserver ipallocator calculateRangeOffset).
      expect(cidrContains('10.96.0.0/24', s.clusterIP)).toBe(false);
      expect(s.clusterIP).not.toBe('10.96.1.0');
    }
  });

  it('keeps a pasted spec.clusterIP and reports two services on one cluster IP', () => {
    const { cluster, problems } = buildCluster(manifests(
      service('a', { clusterIP: '10.100.0.5', ports: [{ port: 80 }] }),
      service('b', { clusterIP: '10.100.0.5', ports: [{ port: 80 }] }),
      service('c', { clusterIP: '10.200.0.5', ports: [{ port: 80 }] }),
    ));
    expect(cluster.services.find((s) => s.name === 'a')?.clusterIP).toBe('10.100.0.5');
    expect(problems.map((p) => [p.severity, p.code, p.doc, p.path])).toEqual([
      ['error', 'ip-conflict', 1, 'spec.clusterIP'],
      ['warning', 'ip-outside-range', 2, 'spec.clusterIP'],
    ]);
  });

  it('keeps a node port outside 30000-32767 but warns: the API server refuses it unless its range was widened', () => {
    const { cluster, problems } = buildCluster(manifests(service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })));
    expect(cluster.services.find((s) => s.name === 'np')?.ports[0]?.nodePort).toBe(80);
    expect(problems.map((p) => [p.severity, p.code, p.path])).toEqual([['warning', 'node-port-range', 'spec.ports[0].nodePort']]);
  });

  it('headless and ExternalName services get no cluster IP', () => {
    const { cluster } = buildCluster(manifests(
      service('h', { clusterIP: 'None', selector: { app: 'h' }, ports: [{ port: 80 }] }),
      service('ext', { type: 'ExternalName', externalName: 'db.example.com.' }),
    ));
    expect(cluster.services.find((s) => s.name === 'h')?.clusterIP).toBe('None');
    expect(cluster.services.find((s) => s.name === 'ext')).toMatchObject({ clusterIP: '', externalName: 'db.example.com' });
  });

  it('allocates node ports in 30000–32767 unless given, and a health check port for LB + Local', () => {
    const { cluster } = buildCluster(manifests(
      service('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'fixed', port: 81, nodePort: 31080 }] }),
      service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 443 }] }),
      service('lb2', { type: 'LoadBalancer', ports: [{ port: 443 }] }),
    ));
    const np = cluster.services.find((s) => s.name === 'np');
    const lb = cluster.services.find((s) => s.name === 'lb');
    expect(np?.ports[1]?.nodePort).toBe(31080);
    for (const p of [np?.ports[0]?.nodePort, lb?.ports[0]?.nodePort, lb?.healthCheckNodePort]) {
      // Above the static band of min(max(16, 2768/32), 128) = 86 ports (portallocator calculateRangeOffset).
      expect(p).toBeGreaterThanOrEqual(30086);
      expect(p).toBeLessThanOrEqual(32767);
    }
    expect(lb?.externalTrafficPolicy).toBe('Local');
    expect(cluster.services.find((s) => s.name === 'lb2')?.healthCheckNodePort).toBeUndefined();
  });

  it('reads status.loadBalancer, externalIPs, affinity and the API defaults', () => {
    const { cluster } = buildCluster(manifests({
      ...service('web', {
        type: 'LoadBalancer', externalIPs: ['203.0.113.7'], sessionAffinity: 'ClientIP', loadBalancerSourceRanges: ['198.51.100.0/24'],
        ports: [{ port: 80, protocol: 'UDP', targetPort: '8080' }],
      }),
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb.example.com' }] } },
    }));
    const s = cluster.services.find((x) => x.name === 'web');
    expect(s).toMatchObject({
      loadBalancerIPs: ['192.0.2.10'], externalIPs: ['203.0.113.7'], sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800,
      loadBalancerSourceRanges: ['198.51.100.0/24'], externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster',
    });
    expect(s?.ports[0]).toMatchObject({ protocol: 'UDP', port: 80, targetPort: 8080, name: '' });
  });
});
