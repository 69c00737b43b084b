import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app';

/** The iframe snippet's address, as a user copies it from the Share dialog. */
async function embedSrc(page: Page, preset?: string): Promise<string> {
  const app = new AppPage(page);
  await app.openFresh();
  await app.waitForTrace();
  if (preset) await app.choosePreset(preset);
  hopCount = await app.hopItems().count();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const code = page.getByRole('dialog', { name: 'Share' }).getByRole('textbox', { name: 'Embed code' });
  await expect(code).toHaveValue(/^<iframe src="/);
  const src = /src="([^"]+)"/.exec(await code.inputValue())![1]!;
  return src.replace(/&amp;/g, '&');
}

/** Hops of the demo trace, as the app lists them. */
let hopCount = 0;

interface Seen {
  source: string;
  v: number;
  type: string;
  hop?: number;
  hops?: number;
  playing?: boolean;
  message?: string;
}

test.describe('embed', () => {
  test('loads no editor, layout engine or worker code, and draws the trace', async ({ page, browser }) => {
    const src = await embedSrc(page);
    const context = await browser.newContext({ viewport: { width: 800, height: 450 } });
    const embed = await context.newPage();
    const urls: string[] = [];
    embed.on('request', (r) => urls.push(r.url()));
    const workers: string[] = [];
    embed.on('worker', (w) => workers.push(w.url()));
    await embed.goto(src.replace('autoplay=1', 'autoplay=0'));
    await expect(embed.locator('html[data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
    await expect(embed.locator('svg .topo .k8s-node')).toHaveCount(3);
    await expect(embed.getByText(`1/${hopCount}`, { exact: true })).toBeVisible();
    expect(urls.length).toBeGreaterThan(1);
    for (const u of urls) expect(u, 'a chunk the embed must not load').not.toMatch(/monaco|editor|elk|layout|worker|engine-host|ManifestEditor|jsx-runtime|main-/i);
    expect(workers).toEqual([]);
    // The controls step through the trace.
    await embed.getByRole('button', { name: 'Step forward' }).click();
    await expect(embed.getByText(`2/${hopCount}`)).toBeVisible();
    await embed.getByRole('button', { name: 'Play' }).click();
    await expect(embed.getByRole('button', { name: 'Pause' })).toBeVisible();
    await context.close();
  });

  test('draws the same picture as the app: the outside client of a NodePort trace has its box', async ({ page, browser }) => {
    const src = await embedSrc(page, 'External → NodePort on a node without the endpoint');
    const appCurrent = await new AppPage(page).graphCurrent();
    expect(appCurrent).toBe('ext:203.0.113.50');
    const context = await browser.newContext({ viewport: { width: 800, height: 450 } });
    const embed = await context.newPage();
    await embed.goto(src.replace('autoplay=1', 'autoplay=0'));
    await expect(embed.locator('html[data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
    await expect(embed.locator('svg .topo [data-id="ext:203.0.113.50"]')).toHaveCount(1);
    expect(await embed.locator('svg .topo .current[data-id]').first().getAttribute('data-id')).toBe(appCurrent);
    await context.close();
  });

  test('options in the query: step, theme, controls', async ({ page }) => {
    const src = await embedSrc(page);
    const url = new URL(src);
    url.searchParams.set('autoplay', '0');
    url.searchParams.set('step', '6');
    url.searchParams.set('theme', 'dark');
    url.searchParams.set('controls', '0');
    await page.goto(url.href);
    await expect(page.locator('html[data-theme="dark"][data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByText(/^6\/\d+$/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Play' })).toHaveCount(0);
  });

  test('/?embed=1 goes to the embed page', async ({ page }) => {
    const src = await embedSrc(page);
    const hash = new URL(src).hash;
    await page.goto(`/?embed=1&autoplay=0${hash}`);
    await expect(page).toHaveURL(/\/embed\.html\?embed=1&autoplay=0#v1\./);
    await expect(page.locator('html[data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
  });

  for (const path of ['/embed', '/embed/']) {
    test(`${path} is the embed page too (static hosts serve the folder)`, async ({ page }) => {
      const src = await embedSrc(page);
      await page.goto(`${path}?autoplay=0${new URL(src).hash}`);
      // A static host serves the folder's redirect page; `vite preview` serves embed.html at /embed.
      await expect(page).toHaveURL(/\/embed(\.html)?\?autoplay=0#v1\./);
      await expect(page.locator('html[data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
    });
  }

  test('answers postMessage commands from its parent inside a sandboxed iframe', async ({ page, browser }) => {
    test.setTimeout(60_000);
    const src = await embedSrc(page);
    const context = await browser.newContext();
    const host = await context.newPage();
    // The host page lives on another origin (a server of its own on loopback); the iframe gets
    // scripts and nothing else: no same-origin, no storage, no workers from its opaque origin.
    const body = `<!doctype html><title>Host</title>
<iframe id="pw" title="PacketWalk trace" sandbox="allow-scripts" width="800" height="450" src="${src.replace('autoplay=1', 'autoplay=0').replace(/"/g, '&quot;')}"></iframe>
<iframe id="other" title="Other widget" sandbox="allow-scripts" srcdoc="<script>onmessage = (e) => parent.frames[0].postMessage(e.data, '*');</script>"></iframe>
<script>
  window.seen = [];
  addEventListener('message', (e) => { if (e.source === frames[0]) window.seen.push(e.data); });
  window.send = (m) => frames[0].postMessage(m, '*');
  window.sendViaSibling = (m) => frames[1].postMessage(m, '*');
</script>`;
    const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const HOST = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await host.goto(HOST);
    const seen = () => host.evaluate(() => (window as unknown as { seen: Seen[] }).seen);
    const send = (m: object) => host.evaluate((msg) => (window as unknown as { send(m: object): void }).send(msg), m);
    const last = async (type: string) => (await seen()).filter((m) => m.type === type).at(-1);

    await expect.poll(async () => (await last('ready'))?.hops, { timeout: 20_000 }).toBe(hopCount);
    const ready = (await last('ready'))!;
    expect(ready).toMatchObject({ source: 'packetwalk', v: 1, hop: 0, playing: false, direction: 'request', verdict: 'delivered' });
    expect(await last('resize')).toMatchObject({ source: 'packetwalk', v: 1, width: 800, height: 450 });
    const frame = host.frameLocator('#pw');

    await send({ source: 'packetwalk', v: 1, type: 'seek', hop: 3 });
    await expect.poll(async () => (await last('state'))?.hop).toBe(3);
    await expect(frame.getByText(`4/${hopCount}`)).toBeVisible();
    await send({ source: 'packetwalk', v: 1, type: 'step' });
    await expect.poll(async () => (await last('state'))?.hop).toBe(4);
    await send({ source: 'packetwalk', v: 1, type: 'step', delta: -2 });
    await expect.poll(async () => (await last('state'))?.hop).toBe(2);
    await send({ source: 'packetwalk', v: 1, type: 'play' });
    await expect.poll(async () => (await last('state'))?.playing).toBe(true);
    await send({ source: 'packetwalk', v: 1, type: 'pause' });
    await expect.poll(async () => (await last('state'))?.playing).toBe(false);

    // Commands from any window but the parent are ignored: the sibling's seek never lands.
    await host.evaluate(() => (window as unknown as { sendViaSibling(m: object): void }).sendViaSibling({ source: 'packetwalk', v: 1, type: 'seek', hop: 20 }));
    await send({ source: 'packetwalk', v: 1, type: 'seek', hop: 7 });
    await expect.poll(async () => (await last('state'))?.hop).toBe(7);
    expect((await seen()).some((m) => m.type === 'state' && m.hop === 20)).toBe(false);

    // Bad commands get an error event, and the embed keeps its state.
    await send({ source: 'packetwalk', v: 2, type: 'play' });
    await expect.poll(async () => (await last('error'))?.message).toMatch(/Unsupported message version 2/);
    await send({ source: 'packetwalk', v: 1, type: 'load', fragment: 'v1.AAAA' });
    await expect.poll(async () => (await last('error'))?.message).toMatch(/This share link could not be opened/);
    await expect(frame.getByText(`8/${hopCount}`)).toBeVisible();

    // `load` replaces the state with another link.
    await send({ source: 'packetwalk', v: 1, type: 'load', fragment: new URL(src).hash });
    await expect.poll(async () => (await last('state'))?.hop).toBe(0);
    await context.close();
    server.close();
  });
});
