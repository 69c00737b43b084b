import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { defaultSettings } from './settings';
import { manifests, profile } from './test-manifests';

describe('cluster profile', () => {
  it('defaults to the DESIGN §3 example', () => {
    expect(buildCluster([]).cluster.settings).toEqual(defaultSettings());
    expect(defaultSettings()).toMatchObject({
      cni: 'calico', podCIDR: '172.16.0.0/16', serviceCIDR: '10.96.0.0/12', clusterDomain: 'cluster.local', clusterDNS: '10.96.0.10',
      upstreamDNS: ['1.1.1.1'], calico: { encapsulation: 'IPIP', blockSize: 26, natOutgoing: true },
      kubeProxy: { mode: 'iptables', clusterCIDR: '172.16.0.0/16', masqueradeBit: 14, localhostNodePorts: true, randomFully: true, nfacct: true },
    });
  });

  it('reads every field; clusterCIDR follows podCIDR and clusterDNS the 10th service address', () => {
    const { cluster } = buildCluster(manifests(profile({
      cni: 'calico', calico: { encapsulation: 'VXLAN', blockSize: 28, natOutgoing: false }, podCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16', clusterDomain: 'k8s.example.', upstreamDNS: ['9.9.9.9', 'nope'],
      kubeProxy: { masqueradeBit: 15, randomFully: false },
    })));
    expect(cluster.settings).toMatchObject({
      podCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16', clusterDomain: 'k8s.example', clusterDNS: '10.43.0.10', upstreamDNS: ['9.9.9.9'],
      calico: { encapsulation: 'VXLAN', blockSize: 28, natOutgoing: false },
      kubeProxy: { clusterCIDR: '10.42.0.0/16', masqueradeBit: 15, randomFully: false, localhostNodePorts: true },
    });
    expect(cluster.services.find((s) => s.name === 'kubernetes')?.clusterIP).toBe('10.43.0.1');
    expect(cluster.services.find((s) => s.name === 'kube-dns')?.clusterIP).toBe('10.43.0.10');
    expect(cluster.nodes[1]?.calicoBlocks).toEqual(['10.42.0.16/28']);
  });

  it('uses each CNI’s own default network when the profile names the CNI only', () => {
    const cidr = (cni: string) => buildCluster(manifests(profile({ cni }))).cluster.settings.podCIDR;
    expect([cidr('flannel'), cidr('weave'), cidr('bridge')]).toEqual(['10.244.0.0/16', '10.32.0.0/12', '172.16.0.0/16']);
  });

  it('reports unusable values where they are and keeps the defaults', () => {
    const { cluster, problems } = buildCluster(manifests(profile({ cni: 'cilium', podCIDR: '10.0.0.0', clusterDNS: 'x' })));
    expect(cluster.settings.cni).toBe('calico');
    expect(cluster.settings.podCIDR).toBe('172.16.0.0/16');
    expect(problems.map((p) => [p.code, p.doc, p.path])).toEqual([
      ['bad-value', 0, 'spec.cni'], ['bad-cidr', 0, 'spec.podCIDR'], ['bad-ip', 0, 'spec.clusterDNS'],
    ]);
  });
});
