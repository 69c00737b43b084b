import { describe, expect, it } from 'vitest';
import { buildCluster } from '../index';
import { deployment, manifests, node, profile } from '../test-manifests';

const sixNodes = profile({
  nodes: ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => ({ name: n, ip: `10.0.0.${i + 1}`, ...(i === 0 ? { role: 'control-plane' } : {}) })),
});

// Calico IPAM (projectcalico/calico libcalico-go/lib/ipam): a pool is cut into blocks of blockSize,
// each block is affine to one node, the tunnel address and pods are taken from the node's block.
describe('Calico IPAM', () => {
  it('gives node i the i-th /26 of 172.16.0.0/16', () => {
    const { cluster } = buildCluster(manifests(sixNodes));
    cluster.nodes.forEach((n, i) => {
      const block = `172.16.${Math.floor((i * 64) / 256)}.${(i * 64) % 256}/26`;
      expect(n.calicoBlocks).toEqual([block]);
      expect(n.ipipTunnelAddr).toBe(block.replace('/26', ''));
    });
    expect(cluster.calicoBlocks.map((b) => b.node)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('puts pods after the tunnel address in their node’s block, and claims another block when full', () => {
    const d = deployment('big', 70, { podSpec: { nodeSelector: { 'kubernetes.io/hostname': 'k8s-w1' } } });
    const { cluster } = buildCluster(manifests(d));
    const w1 = cluster.nodes.find((n) => n.name === 'k8s-w1');
    // w1's first block 172.16.0.64/26: .64 tunl0, .65 CoreDNS, then 62 `big` pods; 8 more overflow.
    expect(w1?.calicoBlocks).toEqual(['172.16.0.64/26', '172.16.0.192/26']);
    const ips = cluster.pods.filter((p) => p.labels['app'] === 'big').map((p) => p.ip);
    expect(ips[0]).toBe('172.16.0.66');
    expect(ips[61]).toBe('172.16.0.127');
    expect(ips[62]).toBe('172.16.0.192');
  });

  it('honours confirmed BlockAffinity objects and skips pending ones', () => {
    const ba = (name: string, cidr: string, n: string, state: string) => ({
      apiVersion: 'crd.projectcalico.org/v1', kind: 'BlockAffinity', metadata: { name }, spec: { cidr, node: n, state, deleted: 'false' },
    });
    const { cluster } = buildCluster(manifests(
      ba('k8s-w2-172-16-200-0-26', '172.16.200.0/26', 'k8s-w2', 'confirmed'),
      ba('k8s-w1-172-16-9-0-26', '172.16.9.0/26', 'k8s-w1', 'pending'),
    ));
    expect(cluster.nodes.map((n) => [n.name, n.calicoBlocks[0], n.ipipTunnelAddr])).toEqual([
      ['k8s-m', '172.16.0.0/26', '172.16.0.0'],
      ['k8s-w1', '172.16.0.64/26', '172.16.0.64'],
      ['k8s-w2', '172.16.200.0/26', '172.16.200.0'],
    ]);
    expect(cluster.pods.find((p) => p.node === 'k8s-w2')?.ip).toBe('172.16.200.1');
  });

  it('takes the tunnel address from the Node annotation, else the block’s first address', () => {
    const { cluster } = buildCluster(manifests(
      node('m1', '10.1.0.10', { labels: { 'node-role.kubernetes.io/control-plane': '' }, annotations: {
        'projectcalico.org/IPv4Address': '10.1.0.10/16', 'projectcalico.org/IPv4IPIPTunnelAddr': '172.16.116.0' } }),
      node('w1', '10.1.0.11', { annotations: { 'projectcalico.org/IPv4Address': '10.1.0.11/16' } }),
    ));
    const [m1, w1] = cluster.nodes;
    expect([m1?.ipipTunnelAddr, m1?.calicoBlocks, m1?.underlayPrefix]).toEqual(['172.16.116.0', ['172.16.116.0/26'], 16]);
    expect([w1?.ipipTunnelAddr, w1?.calicoBlocks]).toEqual(['172.16.0.0', ['172.16.0.0/26']]);
  });

  it('gives the block holding a pasted pod IP to that pod’s node, and keeps the IP', () => {
    const { cluster } = buildCluster(manifests({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'k8s-w1', containers: [] }, status: { podIP: '172.16.9.5', phase: 'Running' },
    }));
    const w1 = cluster.nodes.find((n) => n.name === 'k8s-w1');
    expect(w1?.calicoBlocks).toEqual(['172.16.9.0/26']);
    expect(w1?.ipipTunnelAddr).toBe('172.16.9.0');
    expect(cluster.pods.find((p) => p.name === 'p')?.ip).toBe('172.16.9.5');
  });

  it('reads IPPool objects (VXLAN, /24 blocks) and VXLAN tunnel addresses', () => {
    const { cluster } = buildCluster(manifests({
      apiVersion: 'projectcalico.org/v3', kind: 'IPPool', metadata: { name: 'pool-a' },
      spec: { cidr: '10.10.0.0/16', blockSize: 24, ipipMode: 'Never', vxlanMode: 'CrossSubnet', natOutgoing: true },
    }));
    expect(cluster.calicoPools).toEqual([{ name: 'pool-a', cidr: '10.10.0.0/16', blockSize: 24, ipipMode: 'Never', vxlanMode: 'CrossSubnet', natOutgoing: true, disabled: false }]);
    expect(cluster.nodes.map((n) => [n.calicoBlocks[0], n.vxlanTunnelAddr, n.ipipTunnelAddr])).toEqual([
      ['10.10.0.0/24', '10.10.0.0', undefined], ['10.10.1.0/24', '10.10.1.0', undefined], ['10.10.2.0/24', '10.10.2.0', undefined],
    ]);
  });

  it('has no tunnel address without encapsulation: pods start at the block’s first address', () => {
    const { cluster } = buildCluster(manifests(profile({ calico: { encapsulation: 'None' } })));
    expect(cluster.calicoPools[0]).toMatchObject({ ipipMode: 'Never', vxlanMode: 'Never' });
    expect(cluster.nodes.every((n) => !n.ipipTunnelAddr && !n.vxlanTunnelAddr)).toBe(true);
    expect(cluster.pods.find((p) => p.node === 'k8s-w1')?.ip).toBe('172.16.0.64');
  });

  it('reports duplicate pod IPs (error) and IPs outside every pool (warning) where they are', () => {
    const pod = (name: string, ip: string) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'k8s-w1', containers: [] }, status: { podIP: ip },
    });
    const { problems } = buildCluster(manifests(pod('a', '172.16.0.70'), pod('b', '172.16.0.70'), pod('c', '10.9.9.9')));
    expect(problems.map((p) => [p.severity, p.code, p.doc, p.path])).toEqual([
      ['error', 'ip-conflict', 1, 'status.podIP'],
      ['warning', 'ip-outside-pool', 2, 'status.podIP'],
    ]);
  });
});
