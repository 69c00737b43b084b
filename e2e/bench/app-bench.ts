/**
 * Browser figures for `npm run bench` (called from bench/run.ts): the built app in Debian's
 * Chromium, driven through its test hooks.
 * - paste → first drawn hop: from `setText` (what a paste does) to the first animation frame after
 *   the new trace and layout are in the store, for the demo preset and a 1,000-service cluster;
 * - the longest main-thread task meanwhile (Long Tasks API: only tasks ≥ 50 ms are reported);
 * - frame intervals and per-frame main-thread work (median, p95) while the packet animates on a 50-node /
 *   500-pod cluster;
 * - gzip sizes of the initial JS (index.html's scripts and modulepreloads) and of the editor chunk.
 * Medians of a few runs; wall-clock figures, so they vary with the machine's load.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { benchManifests } from '../../bench/generate.ts';

const PORT = 4191;
const ROOT = new URL('../../', import.meta.url).pathname;

interface Hooks {
  __packetwalk: {
    store: {
      getState(): { text: string; trace: unknown; layout: unknown; tracing: boolean; setText(t: string, how?: 'paste' | 'type'): void; play(): void; pause(): void; setSpeed(n: number): void; toggleLoop(): void; loop: boolean };
      subscribe(fn: (s: { trace: unknown; layout: unknown; tracing: boolean }) => void): () => void;
    };
  };
  __pwLongest?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`preview server did not start at ${url}`);
}

/** Time from setText to the first frame drawn with the new trace, and the longest task meanwhile. */
async function pasteToFirstHop(page: Page, text: string): Promise<{ ms: number; longest: number }> {
  return page.evaluate(async (t) => {
    const w = window as unknown as Hooks;
    const store = w.__packetwalk.store;
    const before = store.getState().trace;
    let longest = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const t0 = performance.now();
    const drawn = new Promise<number>((resolve) => {
      const unsub = store.subscribe((s) => {
        if (s.trace && s.trace !== before && s.layout && !s.tracing) {
          unsub();
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
        }
      });
    });
    store.getState().setText(t, 'paste'); // what the editor does on a paste
    const t1 = await drawn;
    await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last entries
    obs.disconnect();
    return { ms: t1 - t0, longest };
  }, text);
}

/**
 * Frame intervals (rAF to rAF: bound to the display's 16.7 ms when nothing is late) and each
 * frame's main-thread work: from the frame's start (the rAF timestamp) to the first task after
 * its rendering step (a MessageChannel message posted from the frame), i.e. every rAF callback,
 * style, layout and paint of that frame.
 */
async function frameTimes(page: Page, seconds: number): Promise<{ intervals: number[]; work: number[] }> {
  return page.evaluate(async (s) => {
    const w = window as unknown as Hooks;
    const st = w.__packetwalk.store.getState();
    if (!st.loop) st.toggleLoop();
    st.setSpeed(4);
    st.play();
    const intervals: number[] = [];
    const work: number[] = [];
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => work.push(performance.now() - frameStart);
    await new Promise<void>((resolve) => {
      let last = performance.now();
      const end = last + s * 1000;
      const tick = (now: number) => {
        intervals.push(now - last);
        last = now;
        frameStart = now;
        channel.port2.postMessage(0);
        if (now < end) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    w.__packetwalk.store.getState().pause();
    channel.port1.close();
    return { intervals: intervals.slice(5), work: work.slice(5) };
  }, seconds);
}

function gzipSizes(dist: string): { initial: number; editor: number; engineWorker: number; layoutWorker: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f))).length;
  const assets = readdirSync(join(dist, 'assets'));
  const find = (re: RegExp) => assets.filter((f) => re.test(f)).reduce((a, f) => a + gz(join('assets', f)), 0);
  return {
    initial: [...new Set(refs)].reduce((a, f) => a + gz(f), 0),
    editor: find(/^ManifestEditor-.*\.js$/),
    engineWorker: find(/^engine\.worker-.*\.js$/),
    layoutWorker: find(/^layout\.worker-.*\.js$/),
  };
}

export async function runBench(): Promise<void> {
  const dist = mkdtempSync(join(tmpdir(), 'pw-app-bench-'));
  let server: ChildProcess | null = null;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const build = spawnSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('vite build failed');
    server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(PORT), '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
    const url = `http://127.0.0.1:${PORT}/`;
    await waitForServer(url);

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // tsx (esbuild, keepNames) wraps named functions in `__name(...)`; give evaluated code one.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(url);
    await page.evaluate(() => localStorage.clear());
    await page.goto(url);
    await page.waitForFunction(() => Boolean((window as unknown as Hooks).__packetwalk?.store.getState().trace), null, { timeout: 60_000 });
    const demo = await page.evaluate(() => (window as unknown as Hooks).__packetwalk.store.getState().text);

    const rows: string[] = [];
    const measure = async (label: string, text: string, runs: number) => {
      const ms: number[] = [];
      let longest = 0;
      for (let i = 0; i < runs; i++) {
        // Alternate with a one-line change so every run is a real rebuild.
        await pasteToFirstHop(page, `${text}\n# run ${i}\n`);
        const r = await pasteToFirstHop(page, text);
        ms.push(r.ms);
        longest = Math.max(longest, r.longest);
      }
      rows.push(`| paste → first drawn hop: ${label} | ${median(ms).toFixed(0)} ms | ${longest > 0 ? `${longest.toFixed(0)} ms` : '< 50 ms (none reported)'} |`);
    };
    await measure('demo preset', demo, 5);
    await measure('1,000 services / 30 nodes', benchManifests({ services: 1_000, nodes: 30 }), 3);

    // 50 nodes, 500 pods: 167 three-replica Deployments (+ CoreDNS).
    await pasteToFirstHop(page, benchManifests({ services: 167, nodes: 50 }));
    const frames = await frameTimes(page, 6);
    const sizes = gzipSizes(dist);

    console.log('## Browser (Chromium, 1366×768, built app)\n');
    console.log('| measure | time | longest main-thread task |');
    console.log('|---|---:|---:|');
    for (const r of rows) console.log(r);
    const late = frames.intervals.filter((d) => d > 25).length;
    console.log(`\n| animation on 50 nodes / 500 pods (packet at 4×) | frames | median | p95 | frames over 25 ms |`);
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| frame interval (rAF to rAF) | ${frames.intervals.length} | ${median(frames.intervals).toFixed(1)} ms | ${pct(frames.intervals, 0.95).toFixed(1)} ms | ${late} |`);
    console.log(`| frame work (main thread: callbacks, style, layout, paint) | ${frames.work.length} | ${median(frames.work).toFixed(1)} ms | ${pct(frames.work, 0.95).toFixed(1)} ms | |`);
    console.log('\n| bundle (gzip) | KB |');
    console.log('|---|---:|');
    console.log(`| initial JS (index.html scripts + preloads, no editor) | ${(sizes.initial / 1024).toFixed(0)} |`);
    console.log(`| editor chunk (Monaco + monaco-yaml, lazy) | ${(sizes.editor / 1024).toFixed(0)} |`);
    console.log(`| engine worker | ${(sizes.engineWorker / 1024).toFixed(0)} |`);
    console.log(`| layout worker (ELK) | ${(sizes.layoutWorker / 1024).toFixed(0)} |`);
    console.log('\nTargets: paste → first hop < 300 ms (demo), no task > 50 ms, p95 frame (work) < 16.7 ms, initial JS < 250 KB gzip.\n');
  } finally {
    await browser.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    }
    if (statSync(dist, { throwIfNoEntry: false })) rmSync(dist, { recursive: true, force: true });
  }
}

// Run directly: `npx tsx e2e/bench/app-bench.ts`
if (import.meta.url === `file://${process.argv[1]}`) await runBench();
