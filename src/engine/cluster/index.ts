import type { ManifestObject } from '../parse/types';
import type { ClusterBuildResult } from './types';

export type * from './types';

/** Objects → a consistent cluster: defaults, controllers, scheduling, IPAM, endpoints, DNS. */
export function buildCluster(_objects: ManifestObject[]): ClusterBuildResult {
  throw new Error('STUB: replaced by the cluster module');
}

export function podKey(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
