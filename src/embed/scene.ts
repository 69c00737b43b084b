/**
 * From a decoded share state to what the embed draws: the engine runs here, on the main thread
 * (an embed runs one build and one trace; a worker would cost more to start than that, and a
 * sandboxed iframe may not have one). Positions come from the link: no layout engine is loaded.
 */
import { buildModel, runTrace } from '../engine';
import { deriveTopology, placeHops } from '../engine/topology';
import type { HopPlace, Topology } from '../engine/topology/types';
import type { Trace } from '../engine/walk/types';
import type { ShareState } from '../share/state';
import type { TopologyLayout } from '../worker/layout';

export interface EmbedScene {
  topology: Topology;
  layout: TopologyLayout;
  trace: Trace;
  places: HopPlace[];
  replyPlaces: HopPlace[];
}

export type SceneResult = { ok: true; scene: EmbedScene } | { ok: false; message: string };

export function sceneOf(state: ShareState): SceneResult {
  if (!state.layout) return { ok: false, message: 'This link has no saved picture positions, so it cannot be shown in an embed. Open it in PacketWalk and share it again.' };
  let model;
  try {
    model = buildModel(state.manifests);
  } catch (e) {
    return { ok: false, message: `The engine failed on this link's manifests: ${e instanceof Error ? e.message : String(e)}` };
  }
  const first = model.problems.find((p) => p.severity === 'error');
  if (first) return { ok: false, message: `The manifests in this link have errors: document ${first.doc + 1}, line ${first.line}, column ${first.col}: ${first.message}` };
  const { from, to, proto, port, seed, pick } = state.scenario;
  let trace;
  try {
    trace = runTrace(model, { from, to, proto, ...(port !== null ? { port } : {}), ...(seed !== undefined ? { seed } : {}), ...(pick ? { pick } : {}) });
  } catch (e) {
    return { ok: false, message: `The engine failed on this trace: ${e instanceof Error ? e.message : String(e)}` };
  }
  if ('error' in trace) return { ok: false, message: trace.error };
  const topology = deriveTopology(model.cluster, model.dataplane);
  return {
    ok: true,
    scene: { topology, layout: state.layout, trace, places: placeHops(topology, trace.hops), replyPlaces: trace.reply ? placeHops(topology, trace.reply.hops) : [] },
  };
}
