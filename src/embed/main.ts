/**
 * The embed entry (`embed.html`): a trace from a share link, drawn at the positions the link
 * carries, with the engine on this thread. It loads no editor, no layout engine and no worker, and
 * touches no storage, so it runs in `sandbox="allow-scripts"` iframes. The host page drives it over
 * postMessage (see messages.ts).
 */
import '../ui/styles.css';
import './embed.css';
import type { Hop } from '../engine/walk/types';
import { decodeShareFragment, isShareFragment } from '../share/fragment';
import { createTopologyRenderer } from '../ui/topology/renderer';
import { envelope, readCommand, type EmbedCommand, type EmbedEvent, type EmbedStatus } from './messages';
import { parseEmbedOptions } from './options';
import { clusterOf, sceneOf, type EmbedScene } from './scene';
import { createEmbedView } from './view';

/** Time per hop at 1×, as the app plays it (src/ui/playback.ts); the packet travels for 70% of it. */
const HOP_MS = 900;
const TRAVEL = 0.7;

const options = parseEmbedOptions(location.search);
const root = document.getElementById('embed') ?? document.body.appendChild(document.createElement('div'));
const hosted = window.parent !== window;

let scene: EmbedScene | null = null;
let reply = false;
let hop = 0;
let playing = false;
let raf = 0;
let ready = false;

function post(event: EmbedEvent): void {
  if (hosted) window.parent.postMessage(envelope(event), '*');
}

const hops = (): Hop[] => (scene ? ((reply ? scene.trace.reply?.hops : scene.trace.hops) ?? []) : []);
const verdict = () => (scene ? (reply ? scene.trace.reply?.verdict : scene.trace.verdict) : undefined);

function status(): EmbedStatus {
  return { hop, hops: hops().length, playing, direction: reply ? 'reply' : 'request', verdict: verdict() ?? null };
}

const view = createEmbedView(root, options.controls, {
  playPause: () => (playing ? pause() : play()),
  step: (d) => step(d),
});
const renderer = createTopologyRenderer(view.svg);

function show(index: number, animate: boolean): void {
  const list = hops();
  const next = Math.max(0, Math.min(index, list.length - 1));
  const forward = animate && next === hop + 1;
  hop = next;
  renderer.setHop(hop, forward ? (HOP_MS / options.speed) * TRAVEL : 0);
  view.showHop(hop, list, verdict(), reply);
  post({ type: 'state', ...status() });
}

function tick(last: number) {
  raf = requestAnimationFrame((now) => {
    if (now - last < HOP_MS / options.speed) return tick(last);
    const n = hops().length;
    if (hop < n - 1) show(hop + 1, true);
    else if (options.loop && n > 0) show(0, false);
    else return pause();
    tick(now);
  });
}

function play(): void {
  if (!scene || hops().length === 0 || playing) return;
  playing = true;
  view.setPlaying(true);
  if (hop >= hops().length - 1) show(0, false);
  else post({ type: 'state', ...status() });
  tick(performance.now());
}

function pause(): void {
  cancelAnimationFrame(raf);
  if (!playing) return;
  playing = false;
  view.setPlaying(false);
  post({ type: 'state', ...status() });
}

function step(delta: number): void {
  pause();
  show(hop + delta, delta === 1);
}

function fail(message: string): void {
  view.showError(message);
  post({ type: 'error', message });
}

let loads = 0;
/** Resolves after the browser has painted the current DOM. */
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/**
 * Shows a share fragment; a bad one leaves what was shown before (if anything) in place. On first
 * load the picture is painted before the trace runs, so the reader sees the cluster at once.
 */
async function load(fragment: string, initial: boolean): Promise<void> {
  const seq = ++loads;
  const hash = fragment.startsWith('#') ? fragment : `#${fragment}`;
  const decoded = isShareFragment(hash) ? await decodeShareFragment(hash) : null;
  if (seq !== loads) return; // a newer load won
  if (!decoded) return fail('No trace to show: the embed address needs a share link fragment (#v1.…).');
  if (!decoded.ok) return fail(decoded.message);
  const state = decoded.state;
  const theme = (initial ? options.theme : null) ?? state.theme;
  const t0 = performance.now();
  const cluster = clusterOf(state);
  const clusterMs = performance.now() - t0;
  if (!cluster.ok) return fail(cluster.message);
  const early = scene === null;
  if (early) {
    document.documentElement.dataset.theme = theme;
    renderer.setModel(cluster.value.topology, cluster.value.layout);
    requestAnimationFrame(() => performance.mark('packetwalk:first-frame'));
    await painted();
    if (seq !== loads) return;
  }
  const t1 = performance.now();
  const built = sceneOf(cluster.value, state);
  // For the bench: what the engine costs on this thread (build + trace).
  performance.measure('packetwalk:engine', { start: t0, duration: clusterMs + performance.now() - t1 });
  if (!built.ok) return fail(built.message);
  pause();
  view.showError(null);
  scene = built.value;
  document.documentElement.dataset.theme = theme;
  reply = state.direction === 'reply' && scene.trace.reply !== undefined;
  if (!early || scene.topology !== cluster.value.topology) renderer.setModel(scene.topology, scene.layout);
  renderer.setTrace({ hops: hops(), places: reply ? scene.replyPlaces : scene.places, verdict: verdict(), reply });
  hop = -1;
  show(initial && options.step !== null ? options.step - 1 : state.hop, false);
  view.setAppLink(`${new URL('./', location.href).href}${hash}`);
  if (!ready) {
    ready = true;
    requestAnimationFrame(() => {
      performance.mark('packetwalk:first-hop');
      document.documentElement.dataset.ready = 'true';
      post({ type: 'ready', ...status() });
      reportSize();
    });
  }
  if (initial && options.autoplay) play();
}

function run(c: EmbedCommand): void {
  switch (c.type) {
    case 'play':
      return play();
    case 'pause':
      return pause();
    case 'step':
      return step(c.delta);
    case 'seek':
      pause();
      return show(c.hop, false);
    case 'load':
      void load(c.fragment, false);
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  // Only the page that embeds us may drive us; everyone else is ignored.
  if (!hosted || e.source !== window.parent) return;
  const r = readCommand(e.data);
  if (!r) return;
  if (!r.ok) return post({ type: 'error', message: r.message });
  if (!ready && r.command.type !== 'load') return post({ type: 'error', message: 'The embed is not ready yet: wait for its `ready` event.' });
  run(r.command);
});

function reportSize(): void {
  post({ type: 'resize', width: document.documentElement.clientWidth, height: document.documentElement.clientHeight });
}
new ResizeObserver(() => {
  renderer.framePath(false);
  if (ready) reportSize();
}).observe(view.svg);

window.addEventListener('hashchange', () => void load(location.hash, false));
if (options.theme) document.documentElement.dataset.theme = options.theme;
void load(location.hash, true);
