/**
 * DEV ONLY: a small hand-written topology and trace (Calico IPIP, pod → ClusterIP across nodes),
 * used while the engine modules are still stubs. Never shipped: only imported under
 * `import.meta.env.DEV`.
 */
import type { Topology, TopoInterface } from '../engine/topology/types';
import type { Hop, PacketHeaders, Trace } from '../engine/walk/types';

const nodes = [
  { name: 'k8s-m', ip: '192.168.10.10', tunl: '172.16.116.0', pods: [['kube-system', 'coredns-7c65d6cfc9-abcde', '172.16.116.1', 'cali1a2b3c4d5e6'], ['kube-system', 'coredns-7c65d6cfc9-fghij', '172.16.116.2', 'cali2b3c4d5e6f7']] },
  { name: 'k8s-w1', ip: '192.168.10.101', tunl: '172.16.194.64', pods: [['default', 'client', '172.16.194.65', 'calie1d2c3b4a59'], ['default', 'web-6d4b9c8f5-x2k9p', '172.16.194.66', 'cali7f8e9d0c1b2']] },
  { name: 'k8s-w2', ip: '192.168.10.102', tunl: '172.16.102.128', pods: [['default', 'web-6d4b9c8f5-q8w7e', '172.16.102.129', 'cali9a8b7c6d5e4']] },
] as const;

export function fixtureTopology(): Topology {
  const t: Topology = { name: 'demo (dev fixture)', cni: 'calico', encapsulation: 'IPIP', underlay: { id: 'underlay', cidrs: ['192.168.10.0/24'] }, nodes: [], pods: [], services: [], externals: [], links: [] };
  for (const n of nodes) {
    const ifs: TopoInterface[] = [
      { id: `if:${n.name}/eth0`, node: n.name, name: 'eth0', linkKind: 'ethernet', role: 'uplink', ip: n.ip, mtu: 1500 },
      { id: `if:${n.name}/tunl0`, node: n.name, name: 'tunl0', linkKind: 'ipip', role: 'tunnel', ip: n.tunl, mtu: 1480, badge: 'IPIP' },
    ];
    const podIds: string[] = [];
    for (const [ns, name, ip, cali] of n.pods) {
      const id = `pod:${ns}/${name}`;
      podIds.push(id);
      ifs.unshift({ id: `if:${n.name}/${cali}`, node: n.name, name: cali, linkKind: 'veth', role: 'pod-veth', mtu: 1480 });
      t.pods.push({ id, namespace: ns, name, node: n.name, ip, hostNetwork: false, ready: true, dnsServer: name.startsWith('coredns'), hostIface: `if:${n.name}/${cali}` });
      t.links.push({ id: `${id}→veth`, from: id, to: `if:${n.name}/${cali}`, kind: 'veth' });
      t.links.push({ id: `${cali}→stack`, from: `if:${n.name}/${cali}`, to: `stack:${n.name}`, kind: 'stack' });
    }
    t.links.push({ id: `${n.name}stack→tunl0`, from: `stack:${n.name}`, to: `if:${n.name}/tunl0`, kind: 'stack' });
    t.links.push({ id: `${n.name}tunl0→eth0`, from: `if:${n.name}/tunl0`, to: `if:${n.name}/eth0`, kind: 'carrier' });
    t.links.push({ id: `${n.name}stack→eth0`, from: `stack:${n.name}`, to: `if:${n.name}/eth0`, kind: 'stack' });
    t.links.push({ id: `${n.name}eth0→underlay`, from: `if:${n.name}/eth0`, to: 'underlay', kind: 'underlay' });
    t.nodes.push({ id: `node:${n.name}`, name: n.name, ip: n.ip, role: n.name === 'k8s-m' ? 'control-plane' : 'worker', podRanges: [`${n.tunl}/26`], stackId: `stack:${n.name}`, interfaces: ifs, pods: podIds });
  }
  t.services.push(
    { id: 'svc:default/kubernetes', namespace: 'default', name: 'kubernetes', type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }], loadBalancerIPs: [], externalIPs: [], endpoints: [] },
    { id: 'svc:kube-system/kube-dns', namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], loadBalancerIPs: [], externalIPs: [], endpoints: ['pod:kube-system/coredns-7c65d6cfc9-abcde', 'pod:kube-system/coredns-7c65d6cfc9-fghij'] },
    { id: 'svc:default/web', namespace: 'default', name: 'web', type: 'NodePort', clusterIP: '10.96.100.10', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }], loadBalancerIPs: [], externalIPs: [], endpoints: ['pod:default/web-6d4b9c8f5-q8w7e', 'pod:default/web-6d4b9c8f5-x2k9p'] },
  );
  t.externals.push({ id: 'ext:203.0.113.10', ip: '203.0.113.10', role: 'client', label: 'External client' }, { id: 'ext:1.1.1.1', ip: '1.1.1.1', role: 'upstream-dns', label: 'Upstream DNS' }, { id: 'ext:internet', ip: '', role: 'internet', label: 'Internet' });
  return t;
}

export function fixtureTrace(): Trace {
  const pkt = (src: string, dst: string, ttl: number, outer?: PacketHeaders['outer']): PacketHeaders => ({ src, dst, sport: 43512, dport: dst === '10.96.100.10' ? 80 : 8080, proto: 'tcp', ttl, ...(outer ? { outer } : {}) });
  const hops: Omit<Hop, 'seq'>[] = [
    { node: 'k8s-w1', netns: 'pod:default/client', iface: 'eth0', kind: 'route', packet: pkt('172.16.194.65', '10.96.100.10', 64), detail: { route: 'default via 169.254.1.1 dev eth0' }, explain: 'The client pod routes everything via 169.254.1.1 on eth0.', commands: ['kubectl exec client -- ip route get 10.96.100.10'] },
    { node: 'k8s-w1', netns: 'pod:default/client', iface: 'eth0', kind: 'arp', packet: pkt('172.16.194.65', '10.96.100.10', 64), detail: { neighbour: '169.254.1.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee REACHABLE' }, explain: 'Proxy ARP on the host side answers for 169.254.1.1 with ee:ee:ee:ee:ee:ee.' },
    { node: 'k8s-w1', netns: 'host', iface: 'calie1d2c3b4a59', kind: 'bridge', packet: pkt('172.16.194.65', '10.96.100.10', 64), detail: {}, explain: 'The packet crosses the veth pair and enters the host on calie1d2c3b4a59.' },
    { node: 'k8s-w1', netns: 'host', iface: 'calie1d2c3b4a59', kind: 'netfilter', packet: pkt('172.16.194.65', '10.96.100.10', 64), detail: { table: 'nat', chain: 'KUBE-SERVICES', rule: '-A KUBE-SERVICES -d 10.96.100.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-ABCDEFGHIJKLMNOP', target: 'KUBE-SVC-ABCDEFGHIJKLMNOP', lines: ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'] }, explain: 'nat PREROUTING jumps to KUBE-SERVICES, which matches the cluster IP of default/web.' },
    { node: 'k8s-w1', netns: 'host', iface: 'calie1d2c3b4a59', kind: 'netfilter', packet: pkt('172.16.194.65', '10.96.100.10', 64), detail: { table: 'nat', chain: 'KUBE-SVC-ABCDEFGHIJKLMNOP', rule: '-A KUBE-SVC-ABCDEFGHIJKLMNOP -m comment --comment "default/web:http -> 172.16.102.129:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-QRSTUVWXYZ234567', target: 'KUBE-SEP-QRSTUVWXYZ234567' }, explain: 'The statistic rule picks the first of two endpoints.' },
    { node: 'k8s-w1', netns: 'host', iface: 'calie1d2c3b4a59', kind: 'nat', packet: pkt('172.16.194.65', '172.16.102.129', 64), detail: { table: 'nat', chain: 'KUBE-SEP-QRSTUVWXYZ234567', rule: '-A KUBE-SEP-QRSTUVWXYZ234567 -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 172.16.102.129:8080', target: 'DNAT' }, explain: 'DNAT rewrites the destination to the chosen endpoint 172.16.102.129:8080.' },
    { node: 'k8s-w1', netns: 'host', kind: 'route', packet: pkt('172.16.194.65', '172.16.102.129', 63), detail: { route: '172.16.102.128/26 via 192.168.10.102 dev tunl0 proto bird onlink' }, explain: 'The route to the remote block leads through tunl0 to k8s-w2; TTL drops to 63.', commands: ['ip route get 172.16.102.129'] },
    { node: 'k8s-w1', netns: 'host', iface: 'tunl0', kind: 'encap', packet: pkt('172.16.194.65', '172.16.102.129', 63, { src: '192.168.10.101', dst: '192.168.10.102', proto: 'ipip', ttl: 64 }), detail: {}, explain: 'tunl0 wraps the packet in an outer IPv4 header (protocol 4) from node to node.' },
    { node: null, netns: 'wire', iface: 'eth0', kind: 'wire', packet: pkt('172.16.194.65', '172.16.102.129', 63, { src: '192.168.10.101', dst: '192.168.10.102', proto: 'ipip', ttl: 64 }), detail: {}, explain: 'The encapsulated packet crosses the underlay network.' },
    { node: 'k8s-w2', netns: 'host', iface: 'tunl0', kind: 'decap', packet: pkt('172.16.194.65', '172.16.102.129', 63), detail: {}, explain: 'k8s-w2 receives protocol 4 on eth0 and tunl0 removes the outer header.' },
    { node: 'k8s-w2', netns: 'host', kind: 'route', packet: pkt('172.16.194.65', '172.16.102.129', 62), detail: { route: '172.16.102.129 dev cali9a8b7c6d5e4 scope link' }, explain: 'The host route sends the packet to the pod veth; TTL drops to 62.' },
    { node: 'k8s-w2', netns: 'host', iface: 'cali9a8b7c6d5e4', kind: 'netfilter', packet: pkt('172.16.194.65', '172.16.102.129', 62), detail: { table: 'filter', chain: 'cali-tw-cali9a8b7c6d5e4', rule: '-A cali-tw-cali9a8b7c6d5e4 -m comment --comment "cali:abc" -m mark --mark 0x10000/0x10000 -j ACCEPT', target: 'ACCEPT' }, explain: 'Felix lets the packet into the workload.' },
    { node: 'k8s-w2', netns: 'pod:default/web-6d4b9c8f5-q8w7e', iface: 'eth0', kind: 'deliver', packet: pkt('172.16.194.65', '172.16.102.129', 62), detail: {}, explain: 'The web pod socket on 8080 receives the packet from 172.16.194.65.' },
  ];
  return { verdict: 'delivered', hops: hops.map((h, i) => ({ ...h, seq: i + 1 })), delivered: { pod: 'default/web-6d4b9c8f5-q8w7e', ip: '172.16.102.129', port: 8080, observedSource: '172.16.194.65' } };
}
