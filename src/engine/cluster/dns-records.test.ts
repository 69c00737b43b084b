import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { manifests, service } from './test-manifests';

// kubernetes/dns docs/specification.md §2.3–2.5, and CoreDNS plugin/backend_lookup.go for SRV weights
// (100 split evenly over the answers of one priority, floored, at least 1) and dashed-IP endpoint names.
describe('DNS records', () => {
  const sts = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'data' },
    spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', ports: [{ name: 'pg', containerPort: 5432 }] }] } } },
  };
  const { cluster } = buildCluster(manifests(
    sts,
    service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 'pg' }] }, 'data'),
    service('web', { clusterIP: '10.96.100.7', ports: [{ name: 'http', port: 80 }, { port: 81 }] }),
    service('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
  ));
  const recs = (name: string, type?: string) => cluster.dnsRecords.filter((r) => r.name === name && (!type || r.type === type)).map((r) => r.value);

  it('ClusterIP: A, SRV for named ports only, PTR', () => {
    expect(recs('web.default.svc.cluster.local')).toEqual(['10.96.100.7']);
    expect(recs('_http._tcp.web.default.svc.cluster.local')).toEqual(['0 100 80 web.default.svc.cluster.local']);
    expect(cluster.dnsRecords.filter((r) => r.name.endsWith('web.default.svc.cluster.local') && r.type === 'SRV')).toHaveLength(1);
    expect(recs('7.100.96.10.in-addr.arpa')).toEqual(['web.default.svc.cluster.local']);
    expect(recs('kube-dns.kube-system.svc.cluster.local')).toEqual(['10.96.0.10']);
    expect(recs('_dns._udp.kube-dns.kube-system.svc.cluster.local')).toEqual(['0 100 53 kube-dns.kube-system.svc.cluster.local']);
  });

  it('lists no endpoint names for ClusterIP services (answered on the fly)', () => {
    const coredns = cluster.pods.find((p) => p.labels['k8s-app'] === 'kube-dns');
    expect(cluster.dnsRecords.filter((r) => r.value === coredns?.ip || r.name.startsWith(coredns?.ip.split('.').reverse().join('.') ?? '-'))).toEqual([]);
  });

  it('headless: one A per ready endpoint, hostname records, SRV per endpoint with weight 100/n', () => {
    const ips = cluster.pods.filter((p) => p.namespace === 'data').map((p) => p.ip);
    expect(ips).toHaveLength(3);
    expect(recs('db.data.svc.cluster.local', 'A')).toEqual(ips);
    expect(recs('db-1.db.data.svc.cluster.local', 'A')).toEqual([ips[1]]);
    expect(recs('_pg._tcp.db.data.svc.cluster.local')).toEqual([
      '0 33 5432 db-0.db.data.svc.cluster.local', '0 33 5432 db-1.db.data.svc.cluster.local', '0 33 5432 db-2.db.data.svc.cluster.local',
    ]);
    const [a, b, c, d] = (ips[2] ?? '').split('.');
    expect(recs(`${d}.${c}.${b}.${a}.in-addr.arpa`)).toEqual(['db-2.db.data.svc.cluster.local']);
  });

  it('ExternalName: CNAME', () => {
    expect(cluster.dnsRecords.filter((r) => r.name === 'ext.default.svc.cluster.local')).toEqual([
      { name: 'ext.default.svc.cluster.local', type: 'CNAME', value: 'db.example.com' },
    ]);
  });

  it('headless endpoints without hostname are named by their dashed address', () => {
    const { cluster: c } = buildCluster(manifests(
      service('h', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }),
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'h-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'h' } },
        ports: [{ name: 'x', port: 1 }], endpoints: [{ addresses: ['10.1.2.3'] }, { addresses: ['10.1.2.4'], conditions: { ready: false } }] },
    ));
    const r = (n: string) => c.dnsRecords.filter((x) => x.name === n).map((x) => x.value);
    expect(r('h.default.svc.cluster.local')).toEqual(['10.1.2.3']);
    expect(r('_x._tcp.h.default.svc.cluster.local')).toEqual(['0 100 1 10-1-2-3.h.default.svc.cluster.local']);
    expect(r('10-1-2-3.h.default.svc.cluster.local')).toEqual(['10.1.2.3']);
  });

  it('headless with publishNotReadyAddresses answers for not-ready pods; hostname needs subdomain = service', () => {
    const pod = (name: string, ip: string, ready: boolean, spec: Record<string, unknown>) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'x' } },
      spec: { nodeName: 'k8s-w1', containers: [], ...spec },
      status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const build = (publish: boolean) => buildCluster(manifests(
      pod('a', '172.16.0.70', true, { hostname: 'alpha', subdomain: 'x' }),
      pod('b', '172.16.0.71', false, { hostname: 'beta', subdomain: 'other' }),
      service('x', { clusterIP: 'None', publishNotReadyAddresses: publish, selector: { app: 'x' }, ports: [{ port: 80 }] }),
    )).cluster.dnsRecords.filter((r) => r.type === 'A' && r.name.endsWith('x.default.svc.cluster.local')).map((r) => `${r.name} ${r.value}`);
    expect(build(false)).toEqual(['x.default.svc.cluster.local 172.16.0.70', 'alpha.x.default.svc.cluster.local 172.16.0.70']);
    expect(build(true)).toEqual([
      'x.default.svc.cluster.local 172.16.0.70', 'x.default.svc.cluster.local 172.16.0.71',
      'alpha.x.default.svc.cluster.local 172.16.0.70', '172-16-0-71.x.default.svc.cluster.local 172.16.0.71',
    ]);
  });
});
