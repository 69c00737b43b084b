import type { Cluster } from '../cluster/types';
import type { Dataplane } from './types';

export type * from './types';

/** Cluster → per-node Linux state (interfaces, routes, neighbours, sysctls, full iptables). */
export function buildDataplane(_cluster: Cluster): Dataplane {
  throw new Error('STUB: replaced by the dataplane module');
}
