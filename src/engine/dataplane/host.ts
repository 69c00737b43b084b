/**
 * What every node and every pod netns starts with, before the CNI adds its devices: `lo`, the node's
 * `eth0` on the underlay with its default route, and the kernel/sysctl settings kubeadm asks for.
 */
import { nthAddress, type Cidr } from '../net/ipv4';
import type { ClusterNode, Pod } from '../cluster/types';
import { deterministicMac } from './interface-names';
import { NetnsBuilder } from './netns';

/**
 * The underlay's router: by our convention the first address of the node's subnet
 * (`192.168.10.1` for `192.168.10.101/24`), the way most lab and cloud subnets are laid out.
 */
export function underlayGateway(node: ClusterNode): string {
  const subnet: Cidr = `${node.ip}/${node.underlayPrefix}`;
  const gw = nthAddress(subnet, 1);
  return gw === node.ip ? nthAddress(subnet, 2) : gw;
}

/** The node's root netns with `lo` and `eth0` (physical NIC: MAC from the node name, `fq_codel`). */
export function hostNetns(node: ClusterNode): NetnsBuilder {
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
  b.addRoute({ dst: 'default', via: underlayGateway(node), dev: 'eth0' });
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
