import type { Cluster, ClusterNode, Pod } from '../cluster/types';
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

/**
 * A node's rule set is composed and parsed on first use (`iptables`, `ipsets`, `iptablesProblems`
 * are getters that cache): a trace touches two or three nodes, and for a big Calico cluster the
 * Felix chains of every node would cost more than all the netns together.
 */
function withLazyIptables(base: Omit<NodeDataplane, 'iptables' | 'ipsets'>, cluster: Cluster, node: ClusterNode): NodeDataplane {
  let built: ReturnType<typeof nodeIptables> | undefined;
  const get = () => (built ??= nodeIptables(cluster, node));
  return Object.defineProperties(base as NodeDataplane, {
    iptables: { get: () => get().ruleset, enumerable: true },
    ipsets: { get: () => get().ipsets, enumerable: true },
    iptablesProblems: { get: () => (get().problems.length > 0 ? get().problems : undefined), enumerable: true },
  });
}

/** Cluster → per-node Linux state (interfaces, routes, neighbours, sysctls, full iptables). */
export function buildDataplane(cluster: Cluster): Dataplane {
  const nodes: Record<string, NodeDataplane> = {};
  const podsOf = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    const list = podsOf.get(pod.node);
    if (list) list.push(pod);
    else podsOf.set(pod.node, [pod]);
  }
  for (const node of cluster.nodes) {
    const { host, pods } = buildNode(cluster, node);
    const hostNetworkResolvConf: Record<string, ResolvConf> = {};
    const resolvMemo = new Map<string, ResolvConf>();
    for (const pod of podsOf.get(node.name) ?? []) {
      const key = `${pod.namespace}/${pod.name}`;
      const ns = pods[key];
      if (!ns && !pod.hostNetwork) continue;
      // Pods of one namespace and policy without their own dnsConfig share one (read-only) value.
      const memoKey = pod.dnsConfig ? undefined : `${pod.namespace}|${pod.dnsPolicy}|${pod.hostNetwork}`;
      let conf = memoKey ? resolvMemo.get(memoKey) : undefined;
      if (!conf) {
        conf = podResolvConf(cluster, node, pod);
        if (memoKey) resolvMemo.set(memoKey, conf);
      }
      if (ns) ns.resolvConf = conf;
      else hostNetworkResolvConf[key] = conf;
    }
    nodes[node.name] = withLazyIptables({ node: node.name, host, pods, hostNetworkResolvConf }, cluster, node);
  }
  return { nodes };
}
