import type { Cluster } from '../cluster/types';
import type { Dataplane } from '../dataplane/types';
import type { Trace, TraceRequest } from './types';

export type * from './types';

/** Walks one scenario through the modelled namespaces; returns the trace contract. */
export function traceScenario(_cluster: Cluster, _dataplane: Dataplane, _req: TraceRequest): Trace | { error: string } {
  throw new Error('STUB: replaced by the walk module');
}
