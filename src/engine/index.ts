/**
 * The engine's front door: text in, model and traces out. Pure and deterministic; the worker, the
 * CLI and the tests all call these same functions.
 */
import { buildCluster } from './cluster';
import type { Cluster } from './cluster/types';
import { buildDataplane } from './dataplane';
import type { Dataplane } from './dataplane/types';
import { parseManifests } from './parse';
import type { Problem } from './problems';
import { traceScenario } from './walk';
import type { Trace, TraceRequest } from './walk/types';

export interface EngineModel {
  cluster: Cluster;
  dataplane: Dataplane;
  problems: Problem[];
}

export function buildModel(text: string): EngineModel {
  const parsed = parseManifests(text);
  const built = buildCluster(parsed.objects);
  const dataplane = buildDataplane(built.cluster);
  return { cluster: built.cluster, dataplane, problems: [...parsed.problems, ...built.problems] };
}

export function runTrace(model: EngineModel, req: TraceRequest): Trace | { error: string } {
  return traceScenario(model.cluster, model.dataplane, req);
}
