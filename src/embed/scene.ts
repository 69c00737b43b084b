/**
 * From a decoded share state to what the embed draws: the engine runs here, on the main thread
 * (an embed runs one build and one trace; a worker would cost more to start than that, and a
 * sandboxed iframe may not have one). Positions come from the link: no layout engine is loaded.
 * Two steps, so the picture can be painted while the (longer) trace runs.
 */
import { buildModel, runTrace, type EngineModel } from '../engine';
import { deriveTopology, tracePicture } from '../engine/topology';
import type { HopPlace, Topology } from '../engine/topology/types';
import type { Trace } from '../engine/walk/types';
import type { ShareState } from '../share/state';
import type { TopologyLayout } from '../worker/layout';

export interface EmbedCluster {
  model: EngineModel;
  topology: Topology;
  layout: TopologyLayout;
}

export interface EmbedScene extends EmbedCluster {
  trace: Trace;
  places: HopPlace[];
  replyPlaces: HopPlace[];
}

export type Built<T> = { ok: true; value: T } | { ok: false; message: string };

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function clusterOf(state: ShareState): Built<EmbedCluster> {
  if (!state.layout) return { ok: false, message: 'This link has no saved picture positions, so it cannot be shown in an embed. Open it in PacketWalk and share it again.' };
  try {
    const model = buildModel(state.manifests);
    const first = model.problems.find((p) => p.severity === 'error');
    if (first) return { ok: false, message: `The manifests in this link have errors: document ${first.doc + 1}, line ${first.line}, column ${first.col}: ${first.message}` };
    return { ok: true, value: { model, topology: deriveTopology(model.cluster, model.dataplane), layout: state.layout } };
  } catch (e) {
    return { ok: false, message: `The engine failed on this link's manifests: ${why(e)}` };
  }
}

export function sceneOf(cluster: EmbedCluster, state: ShareState): Built<EmbedScene> {
  const { from, to, proto, port, seed, pick } = state.scenario;
  try {
    const trace = runTrace(cluster.model, { from, to, proto, ...(port !== null ? { port } : {}), ...(seed !== undefined ? { seed } : {}), ...(pick ? { pick } : {}) });
    if ('error' in trace) return { ok: false, message: trace.error };
    // The app drew (and laid out) this picture: the trace's outside hosts, a big cluster's focus.
    const pic = tracePicture(cluster.model.cluster, cluster.model.dataplane, cluster.topology, trace);
    return { ok: true, value: { ...cluster, topology: pic.shown, trace, places: pic.places, replyPlaces: pic.replyPlaces } };
  } catch (e) {
    return { ok: false, message: `The engine failed on this trace: ${why(e)}` };
  }
}
