import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { manifests, node, profile } from './test-manifests';

describe('nodes', () => {
  it('takes nodes from the profile; a control-plane role gets kubeadm’s label and taint', () => {
    const { cluster } = buildCluster(manifests(profile({ nodes: [
      { name: 'cp', ip: '10.0.0.1', role: 'control-plane' },
      { name: 'w', ip: '10.0.0.2', mtu: 9000, underlayPrefix: 16 },
    ] })));
    const [cp, w] = cluster.nodes;
    expect(cp?.labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(cp?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect([w?.role, w?.mtu, w?.underlayPrefix, w?.labels['kubernetes.io/hostname']]).toEqual(['worker', 9000, 16, 'w']);
  });

  it('merges a Node object into the profile node of the same name, the object winning', () => {
    const { cluster } = buildCluster(manifests(
      profile({ nodes: [{ name: 'a', ip: '10.0.0.1' }, { name: 'b', ip: '10.0.0.2' }] }),
      node('b', '10.9.9.9', { labels: { zone: 'z1' } }),
      node('c', '10.0.0.3'),
    ));
    expect(cluster.nodes.map((n) => [n.name, n.ip, n.labels['zone']])).toEqual([
      ['a', '10.0.0.1', undefined], ['b', '10.9.9.9', 'z1'], ['c', '10.0.0.3', undefined],
    ]);
  });

  it('reads the role from the label, taints from spec (none listed on an exported node means none)', () => {
    const { cluster } = buildCluster(manifests(
      node('m', '10.0.0.1', { labels: { 'node-role.kubernetes.io/control-plane': '' } }),
      node('g', '10.0.0.2', { spec: { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }, { key: 'bad' }] } }),
    ));
    expect(cluster.nodes.map((n) => [n.role, n.taints])).toEqual([
      ['control-plane', []],
      ['worker', [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]],
    ]);
  });

  it('keeps pods off a cordoned node (spec.unschedulable → node.kubernetes.io/unschedulable:NoSchedule)', () => {
    const { cluster } = buildCluster(manifests(node('a', '10.0.0.1', { spec: { unschedulable: true } }), node('b', '10.0.0.2')));
    expect(cluster.nodes[0]?.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    expect(cluster.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns').map((p) => p.node)).toEqual(['b', 'b']);
  });

  it('uses the Calico IPv4Address annotation for address and prefix, and the VXLAN tunnel annotation', () => {
    const { cluster } = buildCluster(manifests(
      profile({ calico: { encapsulation: 'VXLAN' } }),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'x', annotations: {
        'projectcalico.org/IPv4Address': '172.18.0.5/16', 'projectcalico.org/IPv4VXLANTunnelAddr': '172.16.7.192' } } },
    ));
    expect(cluster.nodes.map((n) => [n.ip, n.underlayPrefix, n.vxlanTunnelAddr, n.calicoBlocks])).toEqual([
      ['172.18.0.5', 16, '172.16.7.192', ['172.16.7.192/26']],
    ]);
  });
});
