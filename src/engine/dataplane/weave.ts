/**
 * Weave Net with fast datapath: the `weave` Linux bridge (pods' veths `vethwepl…` and the node's
 * exposed address), the `datapath` Open vSwitch datapath joined to it by the `vethwe-bridge` /
 * `vethwe-datapath` pair, and `vxlan-6784`, the datapath's VXLAN vport (UDP 6784; sleeve falls back
 * to UDP 6783). The whole range (10.32.0.0/12) is one L2 segment: no per-node routes, remote pods
 * are reached through the bridge and the datapath's flows. MTU 1376, weave's fastdp default.
 */
import { nthAddress, parseCidr } from '../net/ipv4';
import type { Cluster, ClusterNode } from '../cluster/types';
import { addBridge, addBridgedPod } from './bridge-plugin';
import { hostNetns, podsWithNetns } from './host';
import { deterministicMac, weaveVethName } from './interface-names';
import type { Netns } from './types';

export const WEAVE_MTU = 1376;
export const WEAVE_FASTDP_PORT = 6784;

/** The node's exposed bridge address (`weave expose`): the cluster model's, else the first usable one of its part of the range. */
export function weaveBridgeAddr(cluster: Cluster, node: ClusterNode): string | undefined {
  if (node.bridgeAddr) return node.bridgeAddr;
  if (!node.podCIDR) return undefined;
  const part = nthAddress(node.podCIDR, 0);
  return part === nthAddress(cluster.settings.podCIDR, 0) ? nthAddress(node.podCIDR, 1) : part;
}

export function buildWeaveNode(cluster: Cluster, node: ClusterNode): { host: Netns; pods: Record<string, Netns> } {
  const host = hostNetns(cluster, node);
  const rangeLen = parseCidr(cluster.settings.podCIDR)?.len ?? 12;
  const mac = (what: string) => deterministicMac(`${what}:${node.name}`);
  host.addLink({ name: 'datapath', kind: 'openvswitch', mtu: WEAVE_MTU, mac: mac('datapath') });
  const bridgeIp = weaveBridgeAddr(cluster, node);
  if (bridgeIp) addBridge(host, 'weave', bridgeIp, rangeLen, WEAVE_MTU);
  else host.addLink({ name: 'weave', kind: 'bridge', mtu: WEAVE_MTU, mac: mac('weave') });
  const dpIndex = host.peekIndex();
  host.addLink({ name: 'vethwe-datapath', kind: 'veth', mtu: WEAVE_MTU, mac: mac('vethwe-datapath'), master: 'datapath', peer: { netns: 'host', iface: 'vethwe-bridge', index: dpIndex + 1 } });
  host.addLink({ name: 'vethwe-bridge', kind: 'veth', mtu: WEAVE_MTU, mac: mac('vethwe-bridge'), master: 'weave', peer: { netns: 'host', iface: 'vethwe-datapath', index: dpIndex } });
  host.addLink({
    name: `vxlan-${WEAVE_FASTDP_PORT}`,
    kind: 'vxlan',
    mtu: 65535,
    mac: mac('vxlan-6784'),
    master: 'datapath',
    vxlan: { vni: 0, dstPort: WEAVE_FASTDP_PORT, learning: false },
  });
  const pods: Record<string, Netns> = {};
  if (bridgeIp) {
    for (const pod of podsWithNetns(cluster.pods, node.name)) {
      const ns = addBridgedPod(host, pod, { bridge: 'weave', gateway: bridgeIp, prefixLen: rangeLen, mtu: WEAVE_MTU, vethName: weaveVethName(pod.namespace, pod.name) });
      ns.addRoute({ dst: 'default', via: bridgeIp, dev: 'eth0' });
      pods[`${pod.namespace}/${pod.name}`] = ns.ns;
    }
  }
  return { host: host.ns, pods };
}
