import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app';

/** Picks an Export menu item and returns the downloaded file. */
async function exportFile(page: Page, item: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('menu', { name: 'Export' }).getByRole('menuitem', { name: new RegExp(`^${item}`) }).click();
  const d = await download;
  return { name: d.suggestedFilename(), bytes: await readFile((await d.path())!) };
}

const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1');

test.describe('exports', () => {
  let app: AppPage;
  let hops = 0;

  test.beforeEach(async ({ page }) => {
    app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    hops = await app.hopItems().count();
    for (let i = 0; i < 4; i++) await app.stepForward.click();
  });

  test('SVG: a standalone document with the styles inlined and nothing fetched', async ({ page }) => {
    const { name, bytes } = await exportFile(page, 'SVG image');
    expect(name).toMatch(/\.svg$/);
    const text = bytes.toString('utf8');
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      const root = doc.documentElement;
      return { error: doc.querySelector('parsererror') !== null, root: root.nodeName, ns: root.namespaceURI, width: Number(root.getAttribute('width')), height: Number(root.getAttribute('height')), nodes: doc.querySelectorAll('.k8s-node').length, style: doc.querySelector('style')?.textContent ?? '' };
    }, text);
    expect(parsed).toMatchObject({ error: false, root: 'svg', ns: 'http://www.w3.org/2000/svg', nodes: 3 });
    expect(parsed.width).toBeGreaterThan(400);
    expect(parsed.height).toBeGreaterThan(200);
    expect(parsed.style).toContain('.topo');
    expect(parsed.style).not.toContain('var(--');
    expect(text).not.toMatch(/@import|@font-face|url\(\s*['"]?https?:|href="https?:/);
  });

  test('PNG: twice the size of the SVG frame', async ({ page }) => {
    const svg = await exportFile(page, 'SVG image');
    const w = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg.bytes.toString('utf8'))![1]);
    const { name, bytes } = await exportFile(page, 'PNG image');
    expect(name).toMatch(/\.png$/);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR (RFC 2083 §4.1.1): width and height, big-endian, right after the chunk type.
    expect(ascii(bytes, 12, 16)).toBe('IHDR');
    expect(bytes.readUInt32BE(16)).toBe(2 * w);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(400);
  });

  test('GIF: GIF89a, looping, one frame per instant of the virtual clock', async ({ page }) => {
    test.setTimeout(180_000);
    const { name, bytes } = await exportFile(page, 'Animated GIF');
    expect(name).toMatch(/\.gif$/);
    expect(ascii(bytes, 0, 6)).toBe('GIF89a');
    const width = bytes.readUInt16LE(6);
    const height = bytes.readUInt16LE(8);
    expect(width).toBeGreaterThan(300);
    expect(Math.max(width, height)).toBeLessThanOrEqual(960);
    expect(bytes.includes(Buffer.from('NETSCAPE2.0'))).toBe(true);
    // The browser's own decoder counts the frames: hop 1 at rest, then 7 frames per later hop
    // (6 travelling every 90 ms, one arrival that rests for the rest of the 900 ms).
    const frames = await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dec = new ImageDecoder({ data, type: 'image/gif' });
      await dec.tracks.ready;
      await dec.completed;
      return dec.tracks.selectedTrack!.frameCount;
    }, bytes.toString('base64'));
    expect(frames).toBe(1 + (hops - 1) * 7);
  });

  test('WebM: EBML header, VP8 video of the whole trace', async ({ page }) => {
    test.setTimeout(180_000);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const supported = await page.getByRole('menuitem', { name: /^WebM video/ }).count();
    await page.keyboard.press('Escape');
    test.skip(supported === 0, 'This browser cannot encode VP8 with WebCodecs');
    const { name, bytes } = await exportFile(page, 'WebM video');
    expect(name).toMatch(/\.webm$/);
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    expect(bytes.includes(Buffer.from('webm'))).toBe(true);
    expect(bytes.includes(Buffer.from('V_VP8'))).toBe(true);
    const meta = await page.evaluate(async (b64) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'video/webm' });
      const v = document.createElement('video');
      v.muted = true;
      v.src = URL.createObjectURL(blob);
      await new Promise((resolve, reject) => {
        v.onloadedmetadata = resolve;
        v.onerror = () => reject(new Error(`video error ${v.error?.code}`));
      });
      return { width: v.videoWidth, height: v.videoHeight, duration: v.duration };
    }, bytes.toString('base64'));
    expect(meta.width % 2).toBe(0);
    expect(meta.height % 2).toBe(0);
    expect(meta.width).toBeGreaterThan(300);
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(1280);
    // Virtual time, not wall time: 900 ms per hop and a 1.5 s hold at the end (within a frame).
    expect(Math.abs(meta.duration - (hops * 0.9 + 1.5))).toBeLessThan(0.1);
  });

  test('JSON: the trace contract, as the CLI prints it', async ({ page }) => {
    const { name, bytes } = await exportFile(page, 'Trace as JSON');
    expect(name).toMatch(/\.json$/);
    const trace = JSON.parse(bytes.toString('utf8')) as { verdict: string; hops: { seq: number; node: string | null; netns: string; kind: string; packet: { src: string; dst: string; proto: string; ttl: number }; detail: object; explain: string }[] };
    expect(['delivered', 'dropped', 'rejected', 'unroutable', 'timeout', 'nxdomain']).toContain(trace.verdict);
    expect(trace.hops).toHaveLength(hops);
    trace.hops.forEach((h, i) => {
      expect(h.seq).toBe(i + 1);
      expect(h.netns).toMatch(/^(host|pod:[^/]+\/.+|external|wire)$/);
      expect(['route', 'netfilter', 'nat', 'conntrack', 'bridge', 'arp', 'encap', 'decap', 'wire', 'dns', 'proxy', 'policy', 'deliver', 'drop']).toContain(h.kind);
      expect(h.packet.src).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(typeof h.explain).toBe('string');
    });
    expect(bytes.toString('utf8')).toBe(`${JSON.stringify(trace, null, 2)}\n`);
  });

  test('Markdown: a hop table', async ({ page }) => {
    const { name, bytes } = await exportFile(page, 'Trace as Markdown');
    expect(name).toMatch(/\.md$/);
    const md = bytes.toString('utf8');
    expect(md).toMatch(/^# PacketWalk trace: \S+ → \S+/);
    const rows = md.split('\n## ')[0]!.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(hops + 1);
  });
});
