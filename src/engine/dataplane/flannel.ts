/**
 * Flannel with the VXLAN backend: flanneld's `flannel.1` VTEP (VNI 1, UDP 8472, `<subnet>.0/32`),
 * one route, neighbour and FDB entry per remote node's /24; the CNI's bridge plugin makes `cni0`
 * (gateway `.1`) and a `veth` per pod, with the routes flannel's generated CNI config asks for.
 */
import { nthAddress, parseCidr, type Cidr } from '../net/ipv4';
import type { Cluster, ClusterNode } from '../cluster/types';
import { deterministicMac } from './interface-names';
import { hostNetns, podsWithNetns } from './host';
import { addBridge, addBridgedPod } from './bridge-plugin';
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
  const host = hostNetns(cluster, node);
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
