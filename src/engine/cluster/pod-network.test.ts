import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { manifests, profile } from './test-manifests';

const pool = (cidr: string, disabled = false) => ({
  apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool',
  metadata: { name: `pool-${cidr}` }, spec: { cidr, blockSize: 26, ipipMode: 'Always', natOutgoing: true, disabled },
});
const pastedPod = (name: string, ip: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { nodeName: 'k8s-w1', containers: [{ name: 'c', image: 'x' }] },
  status: { phase: 'Running', podIP: ip, hostIP: '192.168.10.101', conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('pod network of a pasted cluster without a profile', () => {
  it('takes the enabled IPPool as podCIDR and as kube-proxy clusterCIDR', () => {
    // kubeadm --pod-network-cidr must match the Calico pool; kube-proxy's clusterCIDR is that value.
    const { cluster, problems } = buildCluster(manifests(pool('10.10.0.0/16', true), pool('192.168.0.0/16')));
    expect(cluster.settings.podCIDR).toBe('192.168.0.0/16');
    expect(cluster.settings.kubeProxy.clusterCIDR).toBe('192.168.0.0/16');
    expect(problems.some((p) => p.code === 'inferred-pod-network' && p.severity === 'info')).toBe(true);
  });

  it('falls back to Calico’s install default when the pasted pod addresses fit it', () => {
    const { cluster } = buildCluster(manifests(pastedPod('a', '192.168.33.5'), pastedPod('b', '192.168.40.7')));
    expect(cluster.settings.kubeProxy.clusterCIDR).toBe('192.168.0.0/16');
  });

  it('else uses the narrowest prefix (at most /16) holding every pasted pod address', () => {
    const { cluster } = buildCluster(manifests(pastedPod('a', '10.42.1.5'), pastedPod('b', '10.42.200.7')));
    expect(cluster.settings.podCIDR).toBe('10.42.0.0/16');
  });

  it('never overrides a profile that names the pod network', () => {
    const { cluster } = buildCluster(manifests(profile({ podCIDR: '172.20.0.0/16' }), pool('192.168.0.0/16')));
    expect(cluster.settings.podCIDR).toBe('172.20.0.0/16');
    expect(cluster.settings.kubeProxy.clusterCIDR).toBe('172.20.0.0/16');
  });
});

describe('pod network inference leaves mixed evidence alone', () => {
  it('keeps the assumed network when some pasted addresses fall in it', () => {
    const { cluster } = buildCluster(manifests(pastedPod('a', '172.16.0.70'), pastedPod('c', '10.9.9.9')));
    expect(cluster.settings.podCIDR).toBe('172.16.0.0/16');
  });
});
