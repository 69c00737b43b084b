import { describe, expect, it } from 'vitest';
import { buildCluster } from '../index';
import { manifests, node, profile } from '../test-manifests';

// Flannel: kube-flannel's net-conf "Network": "10.244.0.0/16", a /24 per node (node IPAM), flannel.1
// holds <subnet>.0/32, cni0 holds .1, host-local starts at .2. Bridge plugin: host-local the same way.
describe('per-node subnets', () => {
  it('flannel: node i gets 10.244.i.0/24, flannel.1 .0, cni0 .1, pods from .2', () => {
    const { cluster } = buildCluster(manifests(profile({ cni: 'flannel' })));
    expect(cluster.settings.podCIDR).toBe('10.244.0.0/16');
    expect(cluster.settings.kubeProxy.clusterCIDR).toBe('10.244.0.0/16');
    expect(cluster.nodes.map((n) => [n.podCIDR, n.flannelAddr, n.bridgeAddr])).toEqual([
      ['10.244.0.0/24', '10.244.0.0', '10.244.0.1'],
      ['10.244.1.0/24', '10.244.1.0', '10.244.1.1'],
      ['10.244.2.0/24', '10.244.2.0', '10.244.2.1'],
    ]);
    expect(cluster.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns').map((p) => p.ip).sort()).toEqual(['10.244.1.2', '10.244.2.2']);
    expect(cluster.calicoBlocks).toEqual([]);
  });

  it('flannel: a Node spec.podCIDR wins and the others skip it', () => {
    const { cluster } = buildCluster(manifests(
      profile({ cni: 'flannel' }),
      node('a', '10.0.0.1', { spec: { podCIDR: '10.244.0.0/24' } }),
      node('b', '10.0.0.2'),
      node('c', '10.0.0.3', { spec: { podCIDR: '10.244.7.0/24' } }),
      node('d', '10.0.0.4'),
    ));
    expect(cluster.nodes.map((n) => n.podCIDR)).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.7.0/24', '10.244.2.0/24']);
  });

  it('bridge: /24s of the pod CIDR, .1 gateway, pods from .2', () => {
    const { cluster } = buildCluster(manifests(profile({ cni: 'bridge', podCIDR: '10.88.0.0/16' })));
    expect(cluster.nodes.map((n) => [n.podCIDR, n.bridgeAddr, n.flannelAddr])).toEqual([
      ['10.88.0.0/24', '10.88.0.1', undefined], ['10.88.1.0/24', '10.88.1.1', undefined], ['10.88.2.0/24', '10.88.2.1', undefined],
    ]);
    expect(cluster.pods.find((p) => p.node === 'k8s-w2')?.ip).toBe('10.88.2.2');
  });
});

describe('weave', () => {
  it('splits 10.32.0.0/12 into equal parts; the bridge takes the first usable address of each', () => {
    const { cluster } = buildCluster(manifests(profile({ cni: 'weave' })));
    expect(cluster.settings.podCIDR).toBe('10.32.0.0/12');
    // 3 nodes → 4 parts of /14; 10.32.0.0 is the range's network address and never handed out.
    expect(cluster.nodes.map((n) => [n.podCIDR, n.bridgeAddr])).toEqual([
      ['10.32.0.0/14', '10.32.0.1'], ['10.36.0.0/14', '10.36.0.0'], ['10.40.0.0/14', '10.40.0.0'],
    ]);
    expect(cluster.pods.find((p) => p.node === 'k8s-w1')?.ip).toBe('10.36.0.1');
  });
});
