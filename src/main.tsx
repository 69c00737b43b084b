import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startSession } from './state/session';
import { useAppStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';
import { createElkLayout } from './worker/layout-client';
import { listenForShareLinks, settleShareLink, startOf, takeShareLink } from './ui/share/share-link';

// `?engine=main` forces the main-thread engine (what sandboxed iframes without workers get).
const forceMainThread = new URLSearchParams(location.search).get('engine') === 'main';

// A share link in the address bar wins over the autosave; a broken one is reported after start.
const shared = await takeShareLink();
const session = startSession({
  initial: shared?.ok ? startOf(shared.state) : null,
  createWorker: () =>
    forceMainThread || typeof Worker === 'undefined' ? null : new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'packetwalk-engine' }),
  loadHost: () => import('./worker/engine-host').then((m) => m.createEngineHost(() => performance.now())),
  elk: createElkLayout(),
  canvasAspect: () => {
    const el = document.querySelector('.canvas');
    return el && el.clientHeight > 0 ? el.clientWidth / el.clientHeight : 1.6;
  },
});
settleShareLink(shared);
listenForShareLinks();
// Below 1600 px the editor starts collapsed, so the topology gets the room (the choice persists).
useAppStore.setState({ editorOpen: window.innerWidth >= 1600 });

// Test and bench hooks: recover-from-crash tests and the benchmark drive the app through these.
declare global {
  interface Window {
    __packetwalk?: { crashEngine(): void; hangEngine(ms: number): void; setDeadline(ms: number): void; store: typeof useAppStore };
  }
}
window.__packetwalk = {
  crashEngine: () => session.client.crash(),
  hangEngine: (ms) => void session.client.hang(ms),
  setDeadline: (ms) => {
    session.client.deadlineMs = ms;
  },
  store: useAppStore,
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
