/**
 * The one message protocol between the app and the engine worker. Only plain, structured-clone
 * data crosses: topology, trace, problems and terminal text, never closures or class instances.
 * Every request carries an id; the answer echoes it, so the client can drop stale results.
 */
import type { Problem } from '../engine/problems';
import type { HopPlace, ScenarioEndpoint, Topology } from '../engine/topology/types';
import type { Trace, TraceRequest } from '../engine/walk/types';

export type TerminalViewName = 'addr' | 'route' | 'neigh' | 'iptables' | 'conntrack' | 'resolv';

export const TERMINAL_VIEWS: { name: TerminalViewName; command: string }[] = [
  { name: 'addr', command: 'ip addr' },
  { name: 'route', command: 'ip route' },
  { name: 'neigh', command: 'ip neigh' },
  { name: 'iptables', command: 'iptables-save' },
  { name: 'conntrack', command: 'conntrack -L' },
  { name: 'resolv', command: 'cat /etc/resolv.conf' },
];

/** Text of each view for one netns; `null` when the view does not apply there (no iptables in a pod). */
export type TerminalViews = Record<TerminalViewName, string | null>;

export type EngineRequest =
  | { id: number; type: 'build'; text: string }
  | { id: number; type: 'trace'; request: TraceRequest }
  /** `netns` is `host` or `pod:<ns>/<name>`. */
  | { id: number; type: 'views'; node: string; netns: string }
  /** Test hooks: make the worker die or hang, so recovery can be exercised. */
  | { id: number; type: 'debug'; action: 'crash' | 'hang'; ms?: number };

export type RequestType = EngineRequest['type'];

export interface BuildResult {
  /** False when the text has errors: the worker keeps tracing on the last good model. */
  ok: boolean;
  problems: Problem[];
  /** The picture of the last good model (null until one built). */
  topology: Topology | null;
  /**
   * Which text the last good model was built from (its length and FNV-1a hash; '' until one
   * built): an invalid build still answers with that model's picture, which the app draws when it
   * is not the one on screen (a valid build it dropped as superseded became the worker's model).
   */
  model: string;
  endpoints: ScenarioEndpoint[];
  clusterDomain: string;
  /** Engine time in ms, for the status bar and the bench. */
  ms: number;
}

export interface TraceResult {
  trace: Trace | null;
  error?: string;
  /** Where each hop of `trace.hops` and `trace.reply.hops` is drawn. */
  places: HopPlace[];
  replyPlaces: HopPlace[];
  /** A wider picture when the trace reaches off-cluster hosts the last one did not show. */
  topology?: Topology;
  ms: number;
}

export type EngineResponse =
  | { id: number; type: 'build'; result: BuildResult }
  | { id: number; type: 'trace'; result: TraceResult }
  | { id: number; type: 'views'; result: TerminalViews }
  | { id: number; type: 'debug'; result: null }
  /** The request failed inside the engine (a bug, not bad input: bad input is a Problem). */
  | { id: number; type: 'failed'; message: string };

export type ResultOf<T extends RequestType> = Extract<EngineResponse, { type: T }>['result'];
