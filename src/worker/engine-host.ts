/**
 * The engine side of the protocol: holds the last good model and answers requests. Runs inside the
 * worker, or on the main thread where workers are unavailable (sandboxed iframes). No DOM here.
 */
import { buildModel, runTrace, type EngineModel } from '../engine';
import { fnv32a } from '../engine/cluster/fnv';
import type { Problem } from '../engine/problems';
import { deriveTopology, focusTopology, placeHops, scenarioEndpoints, tracePicture } from '../engine/topology';
import type { ScenarioEndpoint, Topology } from '../engine/topology/types';
import type { Trace } from '../engine/walk/types';
import type { BuildResult, EngineRequest, EngineResponse, TraceResult } from './protocol';
import { printViews } from './views';

/** The clock is the host's, not the engine's: timings are reported, never fed back into results. */
type Clock = () => number;

/** DEV ONLY: stands in for engine modules that are still stubs. */
export interface DevFixture {
  topology(): Topology;
  trace(): Trace;
}

interface GoodModel {
  /** Null only when the dev fixture stands in for a stubbed engine. */
  model: EngineModel | null;
  /** Every element of the cluster: hops are placed on it. */
  topology: Topology;
  /** What is drawn: the whole topology, or a big cluster's focus on the last trace. */
  shown: Topology;
  endpoints: ScenarioEndpoint[];
}

export interface EngineHost {
  handle(req: EngineRequest): EngineResponse;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function elementIds(t: Topology): string {
  return [...t.nodes.flatMap((n) => [n.id, ...n.pods, ...n.interfaces.map((i) => i.id)]), ...t.services.map((s) => s.id), ...t.externals.map((e) => e.id)].join(' ');
}

function sameElements(a: Topology, b: Topology): boolean {
  return a === b || elementIds(a) === elementIds(b);
}

export function createEngineHost(clock: Clock, devFixture?: DevFixture): EngineHost {
  let good: GoodModel | null = null;
  let goodId = '';
  let lastTrace: Trace | null = null;

  function build(text: string): BuildResult {
    const t0 = clock();
    let problems: Problem[];
    let ok: boolean;
    try {
      const model = buildModel(text);
      problems = model.problems;
      ok = !problems.some((p) => p.severity === 'error');
      if (ok) {
        const topology = deriveTopology(model.cluster, model.dataplane);
        good = { model, topology, shown: focusTopology(topology, new Set()), endpoints: scenarioEndpoints(topology, model.cluster.settings.clusterDomain) };
        goodId = `${text.length}:${fnv32a(text).toString(16)}`;
        lastTrace = null;
      }
    } catch (e) {
      if (devFixture && errorText(e).includes('STUB')) {
        const topology = devFixture.topology();
        good = { model: null, topology, shown: topology, endpoints: scenarioEndpoints(topology) };
        return { ok: true, problems: [{ severity: 'info', code: 'dev-fixture', message: 'Engine modules are stubs: showing the dev fixture.', doc: -1, line: 1, col: 1 }], topology, model: 'dev-fixture', endpoints: good.endpoints, clusterDomain: 'cluster.local', ms: clock() - t0 };
      }
      ok = false;
      problems = [{ severity: 'error', code: 'engine-failure', message: `The engine failed on this input: ${errorText(e)}`, doc: -1, line: 1, col: 1 }];
    }
    return {
      ok,
      problems,
      topology: good?.shown ?? null,
      model: goodId,
      endpoints: good?.endpoints ?? [],
      clusterDomain: good?.model?.cluster.settings.clusterDomain ?? 'cluster.local',
      ms: clock() - t0,
    };
  }

  function trace(req: Extract<EngineRequest, { type: 'trace' }>['request']): TraceResult {
    const t0 = clock();
    if (!good) return { trace: null, error: 'No valid cluster yet: fix the manifests first.', places: [], replyPlaces: [], ms: 0 };
    if (!good.model) {
      const out = devFixture!.trace();
      return { trace: out, places: placeHops(good.topology, out.hops), replyPlaces: [], ms: 0 };
    }
    try {
      const out = runTrace(good.model, req);
      if ('error' in out) return { trace: null, error: out.error, places: [], replyPlaces: [], ms: clock() - t0 };
      lastTrace = out;
      const pic = tracePicture(good.model.cluster, good.model.dataplane, good.topology, out);
      // A new picture only when it differs: extra hosts, or a big cluster's focus moving.
      const changed = !sameElements(pic.shown, good.shown);
      good = { ...good, topology: pic.topology, shown: pic.shown };
      const { places, replyPlaces, shown } = pic;
      return { trace: out, places, replyPlaces, ...(changed ? { topology: shown } : {}), ms: clock() - t0 };
    } catch (e) {
      return { trace: null, error: `The engine failed on this trace: ${errorText(e)}`, places: [], replyPlaces: [], ms: clock() - t0 };
    }
  }

  return {
    handle(req) {
      switch (req.type) {
        case 'build':
          return { id: req.id, type: 'build', result: build(req.text) };
        case 'trace':
          return { id: req.id, type: 'trace', result: trace(req.request) };
        case 'views':
          if (!good?.model) return { id: req.id, type: 'failed', message: 'No model yet.' };
          return { id: req.id, type: 'views', result: printViews(good.model, req.node, req.netns, lastTrace) };
        case 'debug':
          if (req.action === 'hang') {
            const until = clock() + (req.ms ?? 60_000);
            while (clock() < until) {
              /* a deliberate hang, for the recovery test */
            }
          }
          return { id: req.id, type: 'debug', result: null };
      }
    },
  };
}
