/**
 * The effects around the store: manifests → engine (debounced, latest wins) → layout → trace, the
 * autosave, and recovery when the engine worker dies. The engine client and ELK live here, outside
 * the store; the store only ever receives plain results.
 */
import type { ScenarioEndpoint, Topology } from '../engine/topology/types';
import { EngineClient } from '../worker/client';
import type { ElkLayoutFn } from '../worker/layout';
import { layoutTopology } from '../worker/layout';
import type { EngineHost } from '../worker/engine-host';
import { loadPresets } from './presets';
import { useAppStore, type AppData, type Scenario } from './store';

const STORAGE_KEY = 'packetwalk:v1';
const REBUILD_DEBOUNCE_MS = 300;
const SAVE_DEBOUNCE_MS = 250;
/** A text change this large at once is a paste or a file drop, not typing. */
const PASTE_CHARS = 200;

type Saved = Pick<AppData, 'text' | 'scenario' | 'theme' | 'editorOpen' | 'speed' | 'loop' | 'presetId'>;

function readSaved(): Partial<Saved> | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Partial<Saved>) : null;
  } catch {
    return null;
  }
}

function writeSaved(s: AppData): void {
  const saved: Saved = { text: s.text, scenario: s.scenario, theme: s.theme, editorOpen: s.editorOpen, speed: s.speed, loop: s.loop, presetId: s.presetId };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or disabled (private mode): the session still works, it just will not persist.
  }
}

/** Endpoints named by object (pods, nodes, Services) must exist; addresses and DNS names always can. */
function resolvable(spec: string, endpoints: ScenarioEndpoint[]): boolean {
  if (!/^(pod|node|svc|service)\//.test(spec)) return spec.length > 0;
  if (endpoints.some((e) => e.spec === spec)) return true;
  // `svc/ns/name` without a port, or with the other spelling of it (number vs name).
  const base = spec.replace(/:[^/]*$/, '');
  return spec.startsWith('svc/') && endpoints.some((e) => e.spec.startsWith(`${base}:`));
}

/** The wanted scenario when it still resolves in this cluster, else the first pod → Service. */
function defaultScenario(endpoints: ScenarioEndpoint[], wanted: Scenario | null): Scenario | null {
  if (wanted && resolvable(wanted.from, endpoints) && resolvable(wanted.to, endpoints)) return wanted;
  const from = endpoints.find((e) => e.group === 'Pods' && !e.spec.startsWith('pod/kube-system/')) ?? endpoints.find((e) => e.source);
  const to = endpoints.find((e) => e.group === 'Services' && !e.spec.startsWith('svc/default/kubernetes') && !e.spec.startsWith('svc/kube-system/')) ?? endpoints.find((e) => e.target && e.spec !== from?.spec);
  if (!from || !to) return null;
  return { from: from.spec, to: to.spec, proto: to.proto ?? 'tcp', port: to.port ?? null };
}

export interface SessionOptions {
  createWorker: () => Worker | null;
  loadHost: () => Promise<EngineHost>;
  elk: ElkLayoutFn;
  /** Width/height of the canvas, so rows of nodes fill it. */
  canvasAspect: () => number;
  /** A state to start from instead of the autosave (an opened share link). */
  initial?: { text: string; scenario: Scenario; theme: AppData['theme'] } | null;
}

export interface Session {
  client: EngineClient;
  dispose(): void;
}

/** A big cluster's picture leaves elements out (engine/topology/focus.ts). */
const focused = (t: Topology): boolean => !!t.hiddenServices || t.nodes.some((n) => !!n.hiddenPods);

const scenarioKey = (s: Scenario): string => JSON.stringify([s.from, s.to, s.proto, s.port, s.seed ?? null, s.pick ?? null]);

export function startSession(options: SessionOptions): Session {
  const store = useAppStore;
  const client = new EngineClient({
    createWorker: options.createWorker,
    loadHost: options.loadHost,
    onRestart: (reason, lost) => {
      const notice = {
        hung: 'The engine stopped responding, so it was restarted. Your manifests are safe.',
        crashed: 'The engine crashed and was restarted. Your manifests are safe.',
        unavailable: 'The engine worker could not start here, so the engine runs on the page itself: it works, but a big paste may pause the page.',
      }[reason];
      store.getState().notify('warning', notice);
      store.setState({ engineMode: client.mode });
      // The client replays the last good manifests into the new worker; ask again only for what was
      // lost. A lost build is not retried: the same text would hang or crash the new worker too.
      if (lost === 'trace') void retrace();
      else if (lost === 'views') void refreshViews();
    },
  });
  store.setState({ engineMode: client.mode });

  let layoutSeq = 0;
  let lastPresetBuilt: string | null = null;
  /** The worker's model the picture on screen was drawn from (BuildResult.model). */
  let drawnModel = '';
  async function rebuild(text: string): Promise<void> {
    store.setState((s) => ({ build: { ...s.build, status: 'building' } }));
    const out = await client.build(text);
    if (out.status === 'superseded') return;
    if (out.status === 'failed') {
      store.setState({ build: { status: 'failed', ms: null } });
      store.getState().notify('error', out.message);
      return;
    }
    const r = out.result;
    store.setState({ problems: r.problems, build: { status: r.ok ? 'ok' : 'invalid', ms: r.ms } });
    // Invalid text keeps the last good picture, which must be the worker's last good model.
    if (!r.topology || (!r.ok && r.model === drawnModel)) return;
    const seq = ++layoutSeq;
    const topology = r.topology;
    const s0 = store.getState();
    const preset = s0.presets.find((p) => p.id === s0.presetId);
    // A preset just loaded brings its own scenario; an edit keeps the current one when it still resolves.
    const wanted = preset && s0.presetId !== lastPresetBuilt ? preset.scenario : s0.scenario.from ? s0.scenario : (preset?.scenario ?? null);
    lastPresetBuilt = s0.presetId;
    const scenario = defaultScenario(r.endpoints, wanted) ?? s0.scenario;
    // A big cluster's picture depends on the trace (its path is always drawn): trace first, then
    // lay out and draw once. A small one is drawn at once, and the trace follows.
    if (focused(topology) && scenario.from && scenario.to) {
      undrawn = topology;
      drawnModel = r.model;
      const before = store.getState().scenario;
      store.setState({ endpoints: r.endpoints, clusterDomain: r.clusterDomain, scenario });
      // A new scenario object is traced by the store subscription below; the same one, here.
      if (store.getState().scenario === before) await retrace();
      return;
    }
    undrawn = null;
    let layout;
    try {
      layout = await layoutTopology(topology, options.elk, options.canvasAspect());
    } catch (e) {
      store.getState().notify('error', `Layout failed: ${String(e)}`);
      return;
    }
    if (seq !== layoutSeq) return; // a newer build is on its way
    drawnModel = r.model;
    store.setState({ topology, layout, endpoints: r.endpoints, clusterDomain: r.clusterDomain, scenario });
    await retrace();
  }

  let tracedKey: string | null = null;
  /** A big cluster's new topology, not drawn yet: the next trace decides its picture. */
  let undrawn: Topology | null = null;
  async function retrace(): Promise<void> {
    const { scenario, topology } = store.getState();
    if (!(undrawn ?? topology) || !scenario.from || !scenario.to) return;
    const seq = layoutSeq;
    const built = undrawn;
    store.setState({ tracing: true });
    const out = await client.trace({ from: scenario.from, to: scenario.to, proto: scenario.proto, ...(scenario.port !== null ? { port: scenario.port } : {}), ...(scenario.seed !== undefined ? { seed: scenario.seed } : {}), ...(scenario.pick ? { pick: scenario.pick } : {}) });
    if (out.status === 'superseded') return;
    if (out.status === 'failed') {
      store.setState({ tracing: false, traceError: out.message });
      return;
    }
    const r = out.result;
    let wider: Pick<AppData, 'topology' | 'layout'> | null = null;
    const picture = r.topology ?? built;
    if (picture) {
      try {
        wider = { topology: picture, layout: await layoutTopology(picture, options.elk, options.canvasAspect()) };
      } catch (e) {
        if (built) store.getState().notify('error', `Layout failed: ${String(e)}`);
        wider = null;
      }
      if (built && seq !== layoutSeq) return; // a newer build is on its way
      if (built === undrawn) undrawn = null;
    }
    const s = store.getState();
    // The same scenario traced again (an edit elsewhere, a restarted engine) keeps the user's place.
    const key = scenarioKey(scenario);
    const same = s.trace !== null && tracedKey === key;
    tracedKey = key;
    const hops = (s.direction === 'reply' ? r.trace?.reply?.hops : r.trace?.hops)?.length ?? 0;
    store.setState({
      ...(wider ?? {}),
      tracing: false,
      trace: r.trace,
      traceError: r.error ?? null,
      places: r.places,
      replyPlaces: r.replyPlaces,
      hop: same ? Math.max(0, Math.min(s.hop, hops - 1)) : 0,
      direction: s.direction === 'reply' && r.trace?.reply ? 'reply' : 'request',
      playing: false,
      views: null,
    });
  }

  async function refreshViews(): Promise<void> {
    const { terminal } = store.getState();
    if (!terminal) return;
    const out = await client.views(terminal.node, terminal.netns);
    if (out.status === 'ok') store.setState({ views: out.result });
  }

  // Reactions to store changes.
  let rebuildTimer: ReturnType<typeof setTimeout> | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.text !== prev.text) {
      if (rebuildTimer) clearTimeout(rebuildTimer);
      // A preset swap is a deliberate action: run at once. Typing waits for a pause.
      // A paste (a big change at once) too; only typing waits for a pause.
      const pasted = s.textEdit === 'paste' || Math.abs(s.text.length - prev.text.length) > PASTE_CHARS || prev.text === '';
      const delay = (s.presetId !== null && s.presetId !== prev.presetId) || pasted ? 0 : REBUILD_DEBOUNCE_MS;
      rebuildTimer = setTimeout(() => void rebuild(s.text), delay);
    }
    // A scenario picked by the user re-traces now; one set by a rebuild or a preset is traced there.
    if (s.scenario !== prev.scenario && s.topology === prev.topology && s.text === prev.text) void retrace();
    if (s.terminal !== prev.terminal || (s.trace !== prev.trace && s.terminal)) void refreshViews();
    if (s.text !== prev.text || s.scenario !== prev.scenario || s.theme !== prev.theme || s.editorOpen !== prev.editorOpen || s.speed !== prev.speed || s.loop !== prev.loop) {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => writeSaved(store.getState()), SAVE_DEBOUNCE_MS);
    }
  });

  // First start: restore what the user had, else the demo preset.
  const saved = readSaved();
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  void loadPresets().then((presets) => {
    const first = presets[0];
    store.setState({ presets });
    if (options.initial) {
      store.setState({ ...options.initial, presetId: null });
    } else if (saved?.text) {
      // The saved scenario is the user's last choice, even when a preset brought the text.
      lastPresetBuilt = saved.presetId ?? null;
      store.setState({
        text: saved.text,
        presetId: saved.presetId ?? null,
        scenario: saved.scenario ?? store.getState().scenario,
        theme: saved.theme ?? (prefersDark ? 'dark' : 'light'),
        editorOpen: saved.editorOpen ?? store.getState().editorOpen,
        speed: saved.speed ?? 1,
        loop: saved.loop ?? false,
      });
    } else if (first) {
      store.setState({ theme: prefersDark ? 'dark' : 'light' });
      store.getState().loadPreset(first.id, first.text, first.scenario);
    }
  });

  return {
    client,
    dispose() {
      unsubscribe();
      if (rebuildTimer) clearTimeout(rebuildTimer);
      if (saveTimer) clearTimeout(saveTimer);
      client.dispose();
    },
  };
}
