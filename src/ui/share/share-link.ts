/**
 * The app's side of share links: the shareable state read from the store, the URLs built from it,
 * and opening a link (at start, or when a new one is pasted into the address bar of an open tab).
 * A link that cannot be opened leaves the app as it was and says why.
 */
import { decodeShareFragment, encodeShareFragment, isShareFragment, type DecodeResult } from '../../share/fragment';
import { compactLayout, type ShareState } from '../../share/state';
import { useAppStore, type AppData, type Scenario } from '../../state/store';

/** Chat tools and ticket systems start cutting or refusing links around this length. */
export const LONG_LINK_CHARS = 2_000;

/** What a link should reproduce; null until the cluster has been built and laid out. */
export function shareStateOf(s: AppData): ShareState | null {
  if (!s.layout || !s.text || !s.scenario.from || !s.scenario.to) return null;
  const { from, to, proto, port, seed, pick } = s.scenario;
  return {
    manifests: s.text,
    scenario: { from, to, proto, port, ...(seed !== undefined ? { seed } : {}), ...(pick ? { pick } : {}) },
    direction: s.direction,
    hop: s.hop,
    theme: s.theme,
    layout: compactLayout(s.layout),
  };
}

/** The app's own address (no query, no fragment) with the state as fragment. */
export function appLinkOf(fragment: string, at: Location = location): string {
  return `${at.origin}${at.pathname}#${fragment}`;
}

export interface EmbedOptions {
  autoplay?: boolean;
  loop?: boolean;
  controls?: boolean;
  speed?: number;
  theme?: 'light' | 'dark';
}

/** The embed page beside the app (`embed.html`), with its options in the query. */
export function embedLinkOf(fragment: string, options: EmbedOptions = {}, at: Location = location): string {
  const url = new URL('embed.html', `${at.origin}${at.pathname}`);
  if (options.autoplay !== undefined) url.searchParams.set('autoplay', options.autoplay ? '1' : '0');
  if (options.loop !== undefined) url.searchParams.set('loop', options.loop ? '1' : '0');
  if (options.controls !== undefined) url.searchParams.set('controls', options.controls ? '1' : '0');
  if (options.speed !== undefined && options.speed !== 1) url.searchParams.set('speed', String(options.speed));
  if (options.theme) url.searchParams.set('theme', options.theme);
  return `${url.href}#${fragment}`;
}

export async function currentFragment(): Promise<string | null> {
  const state = shareStateOf(useAppStore.getState());
  return state ? encodeShareFragment(state) : null;
}

/** The store fields a share link sets before the engine runs. */
export function startOf(state: ShareState): { text: string; scenario: Scenario; theme: AppData['theme'] } {
  return { text: state.manifests, scenario: { ...state.scenario }, theme: state.theme };
}

/**
 * Once the link's trace arrives, go to its direction and hop (clamped to the trace). The link's
 * trace is the first one after its manifests built; a trace already on its way when the link was
 * opened is not it, and a link whose manifests do not build has none (nothing to wait for).
 */
export function restorePosition(state: ShareState, alreadyBuilt = false): void {
  // A link with the manifests already on screen builds nothing: its trace is the next one.
  let seen = alreadyBuilt;
  let built = alreadyBuilt;
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.text === state.manifests) seen = true;
    else if (seen) return unsubscribe(); // the user moved on
    else return; // the session has not put the link's text in yet
    if (!built) {
      if (s.build === prev.build || s.build.status === 'building') return;
      if (s.build.status !== 'ok') return unsubscribe();
      built = true;
    }
    if (s.trace === prev.trace && s.traceError === prev.traceError) return;
    unsubscribe();
    if (!s.trace) return;
    if (state.direction === 'reply' && s.trace.reply) useAppStore.getState().setDirection('reply');
    useAppStore.getState().seek(state.hop);
  });
}

/** Reads a share link from the address bar and removes it, so later edits are not mistaken for it. */
export async function takeShareLink(): Promise<DecodeResult | null> {
  if (!isShareFragment(location.hash)) return null;
  const result = await decodeShareFragment(location.hash);
  history.replaceState(history.state, '', location.pathname + location.search);
  return result;
}

/** After the session started from a link: go to its hop, or explain why the link did not open. */
export function settleShareLink(result: DecodeResult | null): void {
  if (!result) return;
  if (result.ok) restorePosition(result.state);
  else useAppStore.getState().notify('error', result.message);
}

/** A share link pasted into the address bar of an open app replaces the state in place. */
export function listenForShareLinks(): () => void {
  const onHash = () => {
    void takeShareLink().then((r) => {
      if (!r) return;
      if (r.ok) {
        const before = useAppStore.getState();
        const sameText = before.text === r.state.manifests && before.build.status === 'ok';
        useAppStore.setState({ ...startOf(r.state), presetId: null, playing: false });
        restorePosition(r.state, sameText);
      } else useAppStore.getState().notify('error', r.message);
    });
  };
  window.addEventListener('hashchange', onHash);
  return () => window.removeEventListener('hashchange', onHash);
}
