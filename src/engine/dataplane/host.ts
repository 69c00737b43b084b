/**
 * What every node and every pod netns starts with, before the CNI adds its devices: `lo`, the node's
 * `eth0` on the underlay with its default route, and the kernel/sysctl settings kubeadm asks for.
 */
import { nthAddress, type Cidr } from '../net/ipv4';
import type { Cluster, ClusterNode, Pod } from '../cluster/types';
import { deterministicMac } from './interface-names';
import { NetnsBuilder } from './netns';

/** Node addresses per cluster: the underlay router must not take one. */
const nodeAddresses = new WeakMap<Cluster, Set<string>>();

/**
 * The underlay's router: by our convention the first address of the node's subnet
 * (`192.168.10.1` for `192.168.10.101/24`), the way most lab and cloud subnets are laid out; the
 * next free one when a node holds it.
 */
export function underlayGateway(cluster: Cluster, node: ClusterNode): string {
  let taken = nodeAddresses.get(cluster);
  if (!taken) nodeAddresses.set(cluster, (taken = new Set(cluster.nodes.map((n) => n.ip))));
  const subnet: Cidr = `${node.ip}/${node.underlayPrefix}`;
  const size = 2 ** (32 - node.underlayPrefix);
  for (let n = 1; n < size - 1; n++) {
    const gw = nthAddress(subnet, n);
    if (!taken.has(gw)) return gw;
  }
  return nthAddress(subnet, 1);
}

/** The node's root netns with `lo` and `eth0` (physical NIC: MAC from the node name, `fq_codel`). */
export function hostNetns(cluster: Cluster, node: ClusterNode): NetnsBuilder {
  const b = new NetnsBuilder('host', node.name, {
    // kubeadm's prerequisites; rp_filter as systemd's 50-default.conf leaves it on Debian/Ubuntu.
    'net.ipv4.ip_forward': '1',
    'net.bridge.bridge-nf-call-iptables': '1',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '2',
    'net.ipv4.conf.all.proxy_arp': '0',
  });
  b.addLink({
    name: 'eth0',
    kind: 'ethernet',
    mtu: node.mtu,
    mac: deterministicMac(`node:${node.name}`),
    qdisc: 'fq_codel',
    sysctls: { rp_filter: '2', proxy_arp: '0', forwarding: '1' },
  });
  b.addAddress('eth0', node.ip, node.underlayPrefix);
  b.addRoute({ dst: 'default', via: underlayGateway(cluster, node), dev: 'eth0' });
  return b;
}

/** A pod's netns with only `lo`; the CNI adds `eth0`. */
export function podNetns(pod: Pod): NetnsBuilder {
  return new NetnsBuilder(`pod:${pod.namespace}/${pod.name}`, pod.node, {
    'net.ipv4.ip_forward': '0',
    'net.ipv4.conf.all.rp_filter': '0',
  });
}

const podsByNode = new WeakMap<Pod[], Map<string, Pod[]>>();

/**
 * Pods that get their own netns on `node`: not hostNetwork, with an address, not finished.
 * Grouped once per pod list, so asking for every node stays linear in the pods.
 */
export function podsWithNetns(pods: Pod[], node: string): Pod[] {
  let byNode = podsByNode.get(pods);
  if (!byNode) {
    byNode = new Map();
    for (const p of pods) {
      if (p.hostNetwork || p.ip === '' || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
      const list = byNode.get(p.node);
      if (list) list.push(p);
      else byNode.set(p.node, [p]);
    }
    podsByNode.set(pods, byNode);
  }
  return byNode.get(node) ?? [];
}
