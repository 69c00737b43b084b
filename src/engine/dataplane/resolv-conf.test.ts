import { describe, expect, it } from 'vitest';
import { calicoCluster, pod } from './fixtures/clusters';
import { podResolvConf } from './resolv-conf';

/** Expectations follow kubelet's pkg/kubelet/network/dns (GetPodDNS, getPodDNSType, appendDNSConfig). */
describe('pod resolv.conf by dnsPolicy', () => {
  const c = calicoCluster();
  const node = c.nodes.find((n) => n.name === 'k8s-w1')!; // search domain lab.example, upstream 1.1.1.1

  it('ClusterFirst: cluster search path then the node search domains, clusterDNS, ndots:5', () => {
    expect(podResolvConf(c, node, pod('shop', 'a', 'k8s-w1', '172.16.1.5'))).toEqual({
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab.example'],
      nameservers: ['10.96.0.10'],
      options: ['ndots:5'],
    });
  });

  it('Default: the node resolv.conf', () => {
    expect(podResolvConf(c, node, pod('shop', 'a', 'k8s-w1', '172.16.1.5', { dnsPolicy: 'Default' }))).toEqual({
      search: ['lab.example'],
      nameservers: ['1.1.1.1'],
      options: [],
    });
  });

  it('ClusterFirst on hostNetwork falls back to Default; ClusterFirstWithHostNet keeps the cluster DNS', () => {
    const hostPod = pod('kube-system', 'kp', 'k8s-w1', '192.168.10.101', { hostNetwork: true });
    expect(podResolvConf(c, node, hostPod).nameservers).toEqual(['1.1.1.1']);
    expect(podResolvConf(c, node, { ...hostPod, dnsPolicy: 'ClusterFirstWithHostNet' })).toEqual({
      search: ['kube-system.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab.example'],
      nameservers: ['10.96.0.10'],
      options: ['ndots:5'],
    });
  });

  it('None: only dnsConfig; dnsConfig merges into the others (duplicates dropped, options by name)', () => {
    const dnsConfig = { nameservers: ['9.9.9.9'], searches: ['corp.example', 'svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    expect(podResolvConf(c, node, pod('shop', 'a', 'k8s-w1', '172.16.1.5', { dnsPolicy: 'None', dnsConfig }))).toEqual({
      search: ['corp.example', 'svc.cluster.local'],
      nameservers: ['9.9.9.9'],
      options: ['ndots:2', 'edns0'],
    });
    expect(podResolvConf(c, node, pod('shop', 'a', 'k8s-w1', '172.16.1.5', { dnsConfig }))).toEqual({
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab.example', 'corp.example'],
      nameservers: ['10.96.0.10', '9.9.9.9'],
      options: ['ndots:2', 'edns0'],
    });
  });
});
