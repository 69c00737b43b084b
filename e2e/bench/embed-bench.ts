/**
 * Embed figures for `npm run bench`: what the embed page costs a blog post or a slide deck.
 * - gzip size (level 9) of every response the embed page loads (HTML, JS, CSS), and the list;
 * - time from navigation start to the first drawn frame (the embed's `packetwalk:first-frame` mark:
 *   the animation frame that paints the cluster) and to the first hop (`packetwalk:first-hop`: the
 *   frame that paints the packet at its hop, after the trace), cold cache, median of 7 runs;
 * - the engine's share of it (build + trace on the main thread, `packetwalk:engine`).
 * It builds nothing: it measures `dist/` (run `npx vite build` first) through `vite preview`,
 * started here on its own port unless PACKETWALK_PREVIEW_URL points at a running one.
 * Wall-clock figures: they vary with the machine's load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';

const PORT = 4192;
const ROOT = new URL('../../', import.meta.url).pathname;
const RUNS = 7;
const TARGET_KB = 150;
const TARGET_MS = 500;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const kb = (n: number) => (n / 1024).toFixed(1);

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`preview server did not answer at ${url}`);
}

/** An embed address for the demo trace, made the way a user makes one: the app's Share dialog. */
async function embedAddress(browser: Browser, base: string): Promise<string> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(base);
  await page.getByRole('button', { name: 'Share', exact: true }).click({ timeout: 30_000 });
  const code = page.getByRole('dialog', { name: 'Share' }).getByRole('textbox', { name: 'Embed code' });
  await page.waitForFunction(() => /^<iframe src="/.test((document.querySelector('textarea[aria-label="Embed code"]') as HTMLTextAreaElement | null)?.value ?? ''));
  const src = /src="([^"]+)"/.exec(await code.inputValue())![1]!.replace(/&amp;/g, '&');
  await page.close();
  return src;
}

interface Run {
  firstFrameMs: number;
  firstHopMs: number;
  engineMs: number;
  files: { url: string; type: string; bytes: number; gzip: number }[];
}

async function oneRun(browser: Browser, src: string): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 800, height: 450 } });
  const page = await context.newPage();
  const pending: Promise<Run['files'][number] | null>[] = [];
  page.on('response', (r) => {
    pending.push(
      r.body().then(
        (b) => ({ url: r.url(), type: r.headers()['content-type'] ?? '', bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }),
        () => null,
      ),
    );
  });
  await page.goto(src);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('packetwalk:first-frame')[0]?.startTime ?? NaN,
    hop: performance.getEntriesByName('packetwalk:first-hop')[0]?.startTime ?? NaN,
    engine: performance.getEntriesByName('packetwalk:engine')[0]?.duration ?? NaN,
  }));
  const files = (await Promise.all(pending)).filter((f): f is Run['files'][number] => f !== null);
  await context.close();
  return { firstFrameMs: marks.first, firstHopMs: marks.hop, engineMs: marks.engine, files };
}

export async function runBench(): Promise<void> {
  console.log('## Embed page\n');
  let base = process.env.PACKETWALK_PREVIEW_URL;
  let server: ChildProcess | null = null;
  if (!base) {
    if (!existsSync(`${ROOT}dist/embed.html`)) {
      console.log('(dist/embed.html is missing: run `npx vite build` first)\n');
      return;
    }
    server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
    base = `http://127.0.0.1:${PORT}/`;
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  try {
    await waitForServer(base);
    const src = (await embedAddress(browser, base)).replace('autoplay=1', 'autoplay=0');
    await oneRun(browser, src); // warm-up: the server's and the OS's caches, not the browser's
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(browser, src));
    const files = runs[0]!.files;
    const gzip = files.reduce((a, f) => a + f.gzip, 0);
    const raw = files.reduce((a, f) => a + f.bytes, 0);
    const first = median(runs.map((r) => r.firstFrameMs));
    const engine = median(runs.map((r) => r.engineMs));
    const firstHop = median(runs.map((r) => r.firstHopMs));
    console.log('| measure | value | target |');
    console.log('|---|---:|---:|');
    console.log(`| files loaded | ${files.length} | |`);
    console.log(`| size loaded (raw) | ${kb(raw)} KB | |`);
    console.log(`| size loaded (gzip -9) | ${kb(gzip)} KB | < ${TARGET_KB} KB ${gzip / 1024 < TARGET_KB ? '✓' : '✗'} |`);
    console.log(`| navigation → first drawn frame: the cluster (median of ${RUNS}, cold cache) | ${first.toFixed(0)} ms | < ${TARGET_MS} ms ${first < TARGET_MS ? '✓' : '✗'} |`);
    console.log(`| navigation → first hop drawn: the packet, after the trace | ${firstHop.toFixed(0)} ms | |`);
    console.log(`| of which engine build + trace (main thread) | ${engine.toFixed(1)} ms | |`);
    console.log(`| link length (demo preset, with positions) | ${new URL(src).hash.length} chars | |`);
    console.log(`| machine load average (1 min) during the runs | ${loadavg()[0]!.toFixed(1)} | |`);
    console.log('\n| file | type | raw KB | gzip KB |');
    console.log('|---|---|---:|---:|');
    for (const f of [...files].sort((a, b) => b.gzip - a.gzip)) console.log(`| ${new URL(f.url).pathname} | ${f.type.split(';')[0]} | ${kb(f.bytes)} | ${kb(f.gzip)} |`);
    console.log('');
  } finally {
    await browser.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    }
  }
}

// Run directly: `npx tsx e2e/bench/embed-bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) await runBench();
