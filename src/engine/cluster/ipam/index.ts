import type { ManifestObject } from '../../parse/types';
import type { Problem } from '../../problems';
import type { CalicoBlock, CalicoPool, ClusterNode, ClusterSettings } from '../types';
import type { PodDraft } from '../workloads';
import { calicoIpam } from './calico';
import { nodeSubnetIpam } from './node-subnets';
import { weaveIpam } from './weave';

/** Pod (and tunnel/bridge) addresses per CNI. Pasted addresses always win. */
export function assignPodAddresses(
  objects: ManifestObject[],
  settings: ClusterSettings,
  nodes: ClusterNode[],
  drafts: PodDraft[],
  problems: Problem[],
): { calicoPools: CalicoPool[]; calicoBlocks: CalicoBlock[] } {
  const nodeIp = new Map(nodes.map((n) => [n.name, n.ip]));
  // hostNetwork pods live in the node's network namespace.
  for (const d of drafts) if (d.pod.hostNetwork && !d.pod.ip && d.pod.node) d.pod.ip = nodeIp.get(d.pod.node) ?? '';
  switch (settings.cni) {
    case 'calico': {
      const { pools, blocks } = calicoIpam(objects, settings, nodes, drafts, problems);
      return { calicoPools: pools, calicoBlocks: blocks };
    }
    case 'weave':
      weaveIpam(settings, nodes, drafts, problems);
      break;
    case 'flannel':
    case 'bridge':
      nodeSubnetIpam(settings, nodes, drafts, problems);
      break;
  }
  return { calicoPools: [], calicoBlocks: [] };
}
