/**
 * The CNI bridge plugin (plugins/main/bridge): a Linux bridge `cni0` holding the gateway address
 * (`isGateway`), one veth per pod enslaved to it, host-local addresses from the node's subnet. Flannel
 * delegates to it; on its own (cni: bridge) pods on other nodes are reached through static routes
 * `<remote subnet> via <remote node IP>`, the ones an operator adds (as in "Kubernetes the Hard Way").
 */
import { nthAddress, parseCidr } from '../net/ipv4';
import type { Cluster, ClusterNode, Pod } from '../cluster/types';
import { bridgeVethName, deterministicMac, macFromIp, podNetnsName } from './interface-names';
import { hostNetns, podNetns, podsWithNetns } from './host';
import type { NetnsBuilder } from './netns';
import type { Netns } from './types';

/** The bridge plugin's bridge with `isGateway`: the gateway address on the bridge itself. */
export function addBridge(host: NetnsBuilder, name: string, gateway: string, prefixLen: number, mtu: number): void {
  const mac = macFromIp(gateway);
  host.addLink({ name, kind: 'bridge', mtu, mac });
  host.addAddress(name, gateway, prefixLen);
  host.addFdb({ mac, dev: name, master: name, permanent: true, self: false });
}

/**
 * A pod on a bridge, as the bridge plugin plugs it: veth pair, host end enslaved to the bridge, pod
 * address with the subnet's prefix. The plugin sends a gratuitous ARP, so the bridge has learned the
 * pod's MAC on its port.
 */
export function addBridgedPod(
  host: NetnsBuilder,
  pod: Pod,
  o: { bridge: string; gateway: string; prefixLen: number; mtu: number; vethName?: string },
): NetnsBuilder {
  const p = podNetns(pod);
  const veth = o.vethName ?? bridgeVethName(pod.namespace, pod.name);
  const podMac = macFromIp(pod.ip);
  const hostIndex = host.peekIndex();
  const eth0 = p.addLink({
    name: 'eth0',
    kind: 'veth',
    mtu: o.mtu,
    mac: podMac,
    peer: { netns: 'host', iface: veth, index: hostIndex },
    linkNetnsId: 0,
  });
  const vethMac = deterministicMac(`veth:${pod.namespace}/${pod.name}`);
  host.addLink({
    name: veth,
    kind: 'veth',
    mtu: o.mtu,
    mac: vethMac,
    master: o.bridge,
    peer: { netns: p.ns.id, iface: 'eth0', index: eth0.index },
    linkNetns: podNetnsName(pod.namespace, pod.name),
  });
  host.addFdb({ mac: vethMac, dev: veth, master: o.bridge, permanent: true, self: false });
  host.addFdb({ mac: podMac, dev: veth, master: o.bridge, permanent: false, self: false });
  p.addAddress('eth0', pod.ip, o.prefixLen);
  return p;
}

export function buildBridgeNode(cluster: Cluster, node: ClusterNode): { host: Netns; pods: Record<string, Netns> } {
  const host = hostNetns(cluster, node);
  for (const remote of cluster.nodes) {
    if (remote.name !== node.name && remote.podCIDR) host.addRoute({ dst: remote.podCIDR, via: remote.ip, dev: 'eth0' });
  }
  const pods: Record<string, Netns> = {};
  const local = podsWithNetns(cluster.pods, node.name);
  const subnet = node.podCIDR;
  if (subnet && local.length > 0) {
    const prefixLen = parseCidr(subnet)?.len ?? 24;
    const gateway = node.bridgeAddr ?? nthAddress(subnet, 1);
    addBridge(host, 'cni0', gateway, prefixLen, node.mtu);
    for (const pod of local) {
      const ns = addBridgedPod(host, pod, { bridge: 'cni0', gateway, prefixLen, mtu: node.mtu });
      ns.addRoute({ dst: 'default', via: gateway, dev: 'eth0' });
      pods[`${pod.namespace}/${pod.name}`] = ns.ns;
    }
  }
  return { host: host.ns, pods };
}
