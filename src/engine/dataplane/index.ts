import type { Cluster, ClusterNode } from '../cluster/types';
import { buildCalicoNode } from './calico';
import { buildBridgeNode } from './bridge-plugin';
import { buildFlannelNode } from './flannel';
import { buildWeaveNode } from './weave';
import { nodeIptables } from './iptables/compose';
import { podResolvConf } from './resolv-conf';
import type { Dataplane, Netns, NodeDataplane, ResolvConf } from './types';

export type * from './types';
export { lookupRoute, formatRoute, type RouteLookup, type RouteLookupOptions, type RouteError } from './route-table';
export { formatIpAddr, formatIpRoute, formatIpNeigh, formatBridgeFdb, formatResolvConf } from './views';
export { calicoVethName } from './interface-names';
export { resolveNeighbour, lookupFdb, type NeighbourResolution } from './neighbours';
export { nodeRestoreText } from './iptables/compose';

function buildNode(cluster: Cluster, node: ClusterNode): { host: Netns; pods: Record<string, Netns> } {
  switch (cluster.settings.cni) {
    case 'calico':
      return buildCalicoNode(cluster, node);
    case 'flannel':
      return buildFlannelNode(cluster, node);
    case 'weave':
      return buildWeaveNode(cluster, node);
    case 'bridge':
      return buildBridgeNode(cluster, node);
  }
}

/** Cluster → per-node Linux state (interfaces, routes, neighbours, sysctls, full iptables). */
export function buildDataplane(cluster: Cluster): Dataplane {
  const nodes: Record<string, NodeDataplane> = {};
  for (const node of cluster.nodes) {
    const { host, pods } = buildNode(cluster, node);
    const hostNetworkResolvConf: Record<string, ResolvConf> = {};
    for (const pod of cluster.pods) {
      if (pod.node !== node.name) continue;
      const key = `${pod.namespace}/${pod.name}`;
      const ns = pods[key];
      if (ns) ns.resolvConf = podResolvConf(cluster, node, pod);
      else if (pod.hostNetwork) hostNetworkResolvConf[key] = podResolvConf(cluster, node, pod);
    }
    const { ruleset, ipsets, problems } = nodeIptables(cluster, node);
    const nd: NodeDataplane = { node: node.name, host, pods, iptables: ruleset, ipsets, hostNetworkResolvConf };
    if (problems.length > 0) nd.iptablesProblems = problems;
    nodes[node.name] = nd;
  }
  return { nodes };
}
