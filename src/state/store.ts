/**
 * The one app store. Data and actions are declared apart; selectors live at module scope. The
 * engine client, ELK, d3 selections and Monaco models live outside it (see session.ts): only plain
 * data enters here.
 */
import { create } from 'zustand';
import type { Problem } from '../engine/problems';
import type { HopPlace, ScenarioEndpoint, Topology } from '../engine/topology/types';
import type { Hop, L4Proto, Trace } from '../engine/walk/types';
import type { TopologyLayout } from '../worker/layout';
import type { TerminalViewName, TerminalViews } from '../worker/protocol';

export interface Scenario {
  from: string;
  to: string;
  proto: L4Proto;
  /** Null lets the engine use the destination's own port. */
  port: number | null;
  /** The walker's PRNG seed and a forced endpoint (`trace --seed/--pick`), as share links carry them. */
  seed?: number;
  pick?: string;
}

export type Direction = 'request' | 'reply';
export type Theme = 'light' | 'dark';
export type BuildStatus = 'idle' | 'building' | 'ok' | 'invalid' | 'failed';

export interface Notice {
  id: number;
  tone: 'info' | 'warning' | 'error';
  message: string;
}

export interface TerminalTarget {
  node: string;
  /** `host` or `pod:<ns>/<name>` */
  netns: string;
  view: TerminalViewName;
}

export interface Preset {
  id: string;
  title: string;
  description: string;
  text: string;
  scenario: Scenario | null;
}

export interface AppData {
  text: string;
  /** How the last text change was made: a paste runs the engine at once, typing after a pause. */
  textEdit: 'paste' | 'type';
  presets: Preset[];
  build: { status: BuildStatus; ms: number | null };
  problems: Problem[];
  /** The last good picture: kept on screen while the text is invalid. */
  topology: Topology | null;
  layout: TopologyLayout | null;
  endpoints: ScenarioEndpoint[];
  clusterDomain: string;
  scenario: Scenario;
  presetId: string | null;
  trace: Trace | null;
  traceError: string | null;
  tracing: boolean;
  places: HopPlace[];
  replyPlaces: HopPlace[];
  direction: Direction;
  /** Index of the current hop in the current direction's hop list. */
  hop: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  theme: Theme;
  editorOpen: boolean;
  sideTab: 'hop' | 'terminal';
  terminal: TerminalTarget | null;
  views: TerminalViews | null;
  notice: Notice | null;
  engineMode: 'worker' | 'main-thread';
}

export interface AppActions {
  setText(text: string, how?: AppData['textEdit']): void;
  loadPreset(id: string, text: string, scenario: Scenario | null): void;
  setScenario(patch: Partial<Scenario>): void;
  setDirection(d: Direction): void;
  seek(hop: number): void;
  stepForward(): void;
  stepBack(): void;
  first(): void;
  last(): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  /** Called by the playback clock: next hop, or loop, or stop at the end. */
  advance(): void;
  setSpeed(speed: number): void;
  toggleLoop(): void;
  setTheme(theme: Theme): void;
  toggleEditor(): void;
  setSideTab(tab: AppData['sideTab']): void;
  setTerminal(target: TerminalTarget | null): void;
  notify(tone: Notice['tone'], message: string): void;
  dismissNotice(): void;
}

export type AppState = AppData & AppActions;

export const SPEEDS = [0.5, 1, 2, 4] as const;

export const initialData: AppData = {
  text: '',
  textEdit: 'type',
  presets: [],
  build: { status: 'idle', ms: null },
  problems: [],
  topology: null,
  layout: null,
  endpoints: [],
  clusterDomain: 'cluster.local',
  scenario: { from: '', to: '', proto: 'tcp', port: null },
  presetId: null,
  trace: null,
  traceError: null,
  tracing: false,
  places: [],
  replyPlaces: [],
  direction: 'request',
  hop: 0,
  playing: false,
  speed: 1,
  loop: false,
  theme: 'light',
  editorOpen: true,
  sideTab: 'hop',
  terminal: null,
  views: null,
  notice: null,
  engineMode: 'worker',
};

// Module-scope selectors (stable identities, cheap to compare).
const NO_HOPS: Hop[] = [];
export const selectHops = (s: AppData): Hop[] => (s.direction === 'reply' ? (s.trace?.reply?.hops ?? NO_HOPS) : (s.trace?.hops ?? NO_HOPS));
export const selectPlaces = (s: AppData): HopPlace[] => (s.direction === 'reply' ? s.replyPlaces : s.places);
export const selectCurrentHop = (s: AppData): Hop | null => selectHops(s)[s.hop] ?? null;
export const selectPreviousHop = (s: AppData): Hop | null => (s.hop > 0 ? (selectHops(s)[s.hop - 1] ?? null) : null);
export const selectErrors = (s: AppData): Problem[] => s.problems.filter((p) => p.severity === 'error');

let noticeId = 0;

export const useAppStore = create<AppState>()((set, get) => {
  const clampHop = (hop: number) => Math.max(0, Math.min(hop, selectHops(get()).length - 1));
  return {
    ...initialData,
    setText: (text, how = 'type') => set({ text, textEdit: how, presetId: null }),
    loadPreset: (id, text, scenario) => set({ text, presetId: id, ...(scenario ? { scenario } : {}), playing: false }),
    setScenario: (patch) => set((s) => ({ scenario: { ...s.scenario, ...patch }, playing: false })),
    setDirection: (direction) => set({ direction, hop: 0, playing: false }),
    seek: (hop) => set({ hop: clampHop(hop) }),
    stepForward: () => set((s) => ({ hop: clampHop(s.hop + 1), playing: false })),
    stepBack: () => set((s) => ({ hop: clampHop(s.hop - 1), playing: false })),
    first: () => set({ hop: 0, playing: false }),
    last: () => set({ hop: clampHop(Number.MAX_SAFE_INTEGER), playing: false }),
    play: () => {
      const s = get();
      const n = selectHops(s).length;
      if (n === 0) return;
      // Playing from the last hop starts over, as every media player does.
      set({ playing: true, hop: s.hop >= n - 1 ? 0 : s.hop });
    },
    pause: () => set({ playing: false }),
    togglePlay: () => (get().playing ? get().pause() : get().play()),
    advance: () => {
      const s = get();
      const n = selectHops(s).length;
      if (s.hop < n - 1) set({ hop: s.hop + 1 });
      else if (s.loop && n > 0) set({ hop: 0 });
      else set({ playing: false });
    },
    setSpeed: (speed) => set({ speed }),
    toggleLoop: () => set((s) => ({ loop: !s.loop })),
    setTheme: (theme) => set({ theme }),
    toggleEditor: () => set((s) => ({ editorOpen: !s.editorOpen })),
    setSideTab: (sideTab) => set({ sideTab }),
    setTerminal: (terminal) => set({ terminal, views: null }),
    notify: (tone, message) => set({ notice: { id: ++noticeId, tone, message } }),
    dismissNotice: () => set({ notice: null }),
  };
});
