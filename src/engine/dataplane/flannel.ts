/**
 * Flannel with the VXLAN backend: flanneld's `flannel.1` VTEP (VNI 1, UDP 8472, `<subnet>.0/32`),
 * one route, neighbour and FDB entry per remote node's /24; the CNI's bridge plugin makes `cni0`
 * (gateway `.1`) and a `veth` per pod, with the routes flannel's generated CNI config asks for.
 */
import { nthAddress, parseCidr, type Cidr } from '../net/ipv4';
import type { Cluster, ClusterNode, Pod } from '../cluster/types';
import { bridgeVethName, deterministicMac, macFromIp, podNetnsName } from './interface-names';
import { hostNetns, podNetns, podsWithNetns } from './host';
import type { NetnsBuilder } from './netns';
import type { Netns } from './types';

export const FLANNEL_VNI = 1;
export const FLANNEL_PORT = 8472;

/** The node's flannel subnet: spec.podCIDR, else the /24 around its first pod's address. */
export function nodeSubnet(cluster: Cluster, node: ClusterNode): Cidr | undefined {
  if (node.podCIDR) return node.podCIDR;
  const pod = cluster.pods.find((p) => p.node === node.name && !p.hostNetwork && p.ip);
  return pod ? `${nthAddress(`${pod.ip}/24`, 0)}/24` : undefined;
}

export function flannelVtepMac(node: ClusterNode): string {
  return deterministicMac(`flannel.1:${node.name}`);
}

export function buildFlannelNode(cluster: Cluster, node: ClusterNode): { host: Netns; pods: Record<string, Netns> } {
  const host = hostNetns(node);
  const mtu = node.mtu - 50;
  const subnet = nodeSubnet(cluster, node);
  host.addLink({
    name: 'flannel.1',
    kind: 'vxlan',
    mtu,
    mac: flannelVtepMac(node),
    vxlan: { vni: FLANNEL_VNI, dstPort: FLANNEL_PORT, local: node.ip, dev: 'eth0', learning: false },
  });
  if (subnet) host.addAddress('flannel.1', nthAddress(subnet, 0), 32);

  for (const remote of cluster.nodes) {
    if (remote.name === node.name) continue;
    const rs = nodeSubnet(cluster, remote);
    if (!rs) continue;
    const vtep = nthAddress(rs, 0);
    const mac = flannelVtepMac(remote);
    host.addRoute({ dst: rs, via: vtep, dev: 'flannel.1', onlink: true });
    host.addNeighbour({ ip: vtep, dev: 'flannel.1', lladdr: mac, state: 'PERMANENT' });
    host.addFdb({ mac, dev: 'flannel.1', dst: remote.ip, permanent: true, self: true });
  }

  const pods: Record<string, Netns> = {};
  const local = podsWithNetns(cluster.pods, node.name);
  if (subnet && local.length > 0) {
    const prefixLen = parseCidr(subnet)?.len ?? 24;
    const gateway = nthAddress(subnet, 1);
    addBridge(host, 'cni0', gateway, prefixLen, mtu);
    for (const pod of local) {
      const ns = addBridgedPod(host, pod, { bridge: 'cni0', gateway, prefixLen, mtu });
      ns.addRoute({ dst: cluster.settings.podCIDR, via: gateway, dev: 'eth0' });
      ns.addRoute({ dst: 'default', via: gateway, dev: 'eth0' });
      pods[`${pod.namespace}/${pod.name}`] = ns.ns;
    }
  }
  return { host: host.ns, pods };
}

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
