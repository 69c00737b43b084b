import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { kubeadmCorefile } from './defaults';
import { manifests } from './test-manifests';

// Expectations: DESIGN §3 default cluster, kubeadm's addon manifests (cmd/kubeadm/app/phases/addons/dns)
// and the API server's own `kubernetes` service (first address of the service CIDR, port https → 6443).
describe('the default cluster (empty input)', () => {
  const { cluster, problems } = buildCluster([]);

  it('has the three kubeadm nodes, control plane tainted', () => {
    expect(cluster.nodes.map((n) => [n.name, n.ip, n.role, n.underlayPrefix, n.mtu])).toEqual([
      ['k8s-m', '192.168.10.10', 'control-plane', 24, 1500],
      ['k8s-w1', '192.168.10.101', 'worker', 24, 1500],
      ['k8s-w2', '192.168.10.102', 'worker', 24, 1500],
    ]);
    expect(cluster.nodes[0]?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(cluster.nodes[1]?.taints).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('serves kube-dns on 10.96.0.10 from two CoreDNS pods on the workers', () => {
    const dns = cluster.services.find((s) => s.name === 'kube-dns');
    expect(dns?.namespace).toBe('kube-system');
    expect(dns?.clusterIP).toBe('10.96.0.10');
    expect(dns?.ports.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP'],
    ]);
    const coredns = cluster.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns');
    expect(coredns).toHaveLength(2);
    expect(coredns.map((p) => p.node).sort()).toEqual(['k8s-w1', 'k8s-w2']);
    expect(coredns.every((p) => p.dnsPolicy === 'Default' && /^coredns-[4-9bcdf]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p.name))).toBe(true);
    expect(dns?.ports[0]?.endpoints.map((e) => e.ip).sort()).toEqual(coredns.map((p) => p.ip).sort());
  });

  it('has default/kubernetes on 10.96.0.1 → 192.168.10.10:6443', () => {
    const k = cluster.services.find((s) => s.namespace === 'default' && s.name === 'kubernetes');
    expect(k?.clusterIP).toBe('10.96.0.1');
    expect(k?.ports).toHaveLength(1);
    expect(k?.ports[0]).toMatchObject({ name: 'https', port: 443, protocol: 'TCP' });
    expect(k?.ports[0]?.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(['192.168.10.10:6443']);
  });

  it('has the kubeadm namespaces and Corefile', () => {
    expect(cluster.namespaces.map((n) => n.name)).toEqual(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
    expect(cluster.namespaces[1]?.labels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
    expect(cluster.corefile).toBe(kubeadmCorefile('cluster.local'));
    expect(cluster.corefile).toContain('    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n');
    expect(cluster.corefile).toContain('    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n');
  });

  it('uses Calico IPIP with one /26 per node and the block’s first address on tunl0', () => {
    expect(cluster.calicoPools).toEqual([{
      name: 'default-ipv4-ippool', cidr: '172.16.0.0/16', blockSize: 26, ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, disabled: false,
    }]);
    expect(cluster.nodes.map((n) => [n.calicoBlocks, n.ipipTunnelAddr])).toEqual([
      [['172.16.0.0/26'], '172.16.0.0'],
      [['172.16.0.64/26'], '172.16.0.64'],
      [['172.16.0.128/26'], '172.16.0.128'],
    ]);
  });
});

describe('kubeadm objects the input already has', () => {
  it('does not add CoreDNS when its pods are pasted', () => {
    const { cluster } = buildCluster(manifests({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'coredns-7db6d8ff4d-abcde', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: { nodeName: 'k8s-w1', containers: [{ name: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
      status: { phase: 'Running', podIP: '172.16.0.70' },
    }));
    expect(cluster.pods.filter((p) => p.namespace === 'kube-system').map((p) => p.name)).toEqual(['coredns-7db6d8ff4d-abcde']);
  });

  it('honours a pasted coredns ConfigMap', () => {
    const corefile = '.:53 {\n    kubernetes example.org\n    forward . 8.8.8.8\n}\n';
    const { cluster } = buildCluster(manifests({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile },
    }));
    expect(cluster.corefile).toBe(corefile);
  });

  it('keeps the last of two objects with the same kind, namespace and name', () => {
    const svc = (ip: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'default' }, spec: { clusterIP: ip, ports: [{ port: 80 }] } });
    const { cluster, problems } = buildCluster(manifests(svc('10.96.5.5'), svc('10.96.6.6')));
    expect(cluster.services.filter((s) => s.name === 'a').map((s) => s.clusterIP)).toEqual(['10.96.6.6']);
    expect(problems).toEqual([]);
  });

  it('lists unknown kinds as ignored', () => {
    const { cluster } = buildCluster(manifests(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' } },
    ));
    expect(cluster.ignored).toEqual([{ kind: 'Secret', name: 's' }, { kind: 'Certificate', name: 'c' }]);
  });
});
