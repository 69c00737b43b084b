import { deflateRawSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { AppPage } from './pages/app';

/** Opens the Share dialog and reads the link it offers. */
async function shareLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Share' });
  await expect(dialog).toBeVisible();
  const input = dialog.getByRole('textbox', { name: 'Share link' });
  await expect(input).toHaveValue(/#v1\.[A-Za-z0-9_-]+$/);
  return input.inputValue();
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** A fragment deflated by zlib, the reference implementation, not by the app. */
const zlibFragment = (payload: string | Buffer, version = 1) => `#v${version}.${deflateRawSync(payload).toString('base64url')}`;

test.describe('share links', () => {
  test('a link opened in a fresh browser shows the same trace at the same hop', async ({ page, browser }) => {
    test.setTimeout(60_000);
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    for (let i = 0; i < 3; i++) await app.stepForward.click();
    expect(await app.currentSeq()).toBe(4);
    const hops = await app.hopItems().allInnerTexts();
    const place = await app.graphCurrent();
    const link = await shareLink(page);
    expect(new URL(link).origin).toBe(new URL(page.url()).origin);

    const other = await freshPage(browser);
    const viewer = new AppPage(other);
    await other.goto(link);
    await viewer.waitForTrace();
    await expect.poll(() => viewer.currentSeq()).toBe(4);
    expect(await viewer.hopItems().allInnerTexts()).toEqual(hops);
    expect(await viewer.graphCurrent()).toBe(place);
    await expect(viewer.inspector).toContainText('Hop 4 ·');
    // The fragment is consumed: later edits are not mistaken for the link.
    expect(new URL(other.url()).hash).toBe('');
    await other.context().close();
  });

  test('the dialog offers the iframe and script-free snippets, and flags long links', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const link = await shareLink(page);
    const dialog = page.getByRole('dialog', { name: 'Share' });
    const iframe = await dialog.getByRole('textbox', { name: 'Embed code' }).inputValue();
    expect(iframe).toMatch(/^<iframe src="[^"]*\/embed\.html\?[^"]*#v1\.[^"]+" width="800" height="450" title="PacketWalk: [^"]+"/);
    const html = await dialog.getByRole('textbox', { name: 'HTML code' }).inputValue();
    expect(html).not.toMatch(/<script|<iframe/i);
    expect(html).toContain('<img src="packetwalk-preview.png"');
    expect(html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    await dialog.getByRole('spinbutton', { name: 'Width' }).fill('640');
    await expect(dialog.getByRole('textbox', { name: 'Embed code' })).toHaveValue(/width="640"/);
    // The demo link carries the manifests and the positions: past what chat tools keep.
    if (link.length > 2000) {
      await expect(dialog.getByText(/cut links longer than 2,000 characters/)).toBeVisible();
      const download = page.waitForEvent('download');
      await dialog.getByRole('button', { name: 'Download manifests' }).click();
      expect((await download).suggestedFilename()).toMatch(/\.yaml$/);
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the Share dialog and the embed pass axe's WCAG A/AA checks (${theme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      const app = new AppPage(page);
      await app.openFresh();
      await app.waitForTrace();
      await shareLink(page);
      const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
      const summary = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) => r.violations.map((v) => `${v.impact}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      expect(summary(await new AxeBuilder({ page }).include('dialog').withTags(tags).analyze())).toEqual([]);
      const src = /src="([^"]+)"/.exec(await page.getByRole('textbox', { name: 'Embed code' }).inputValue())![1]!.replace(/&amp;/g, '&');
      await page.goto(`${src.replace('autoplay=1', 'autoplay=0')}`.replace('#', `&theme=${theme}#`));
      await expect(page.locator('html[data-ready="true"]')).toHaveCount(1, { timeout: 15_000 });
      expect(summary(await new AxeBuilder({ page }).withTags(tags).analyze())).toEqual([]);
    });
  }

  const state = { manifests: 'kind: Pod', scenario: { from: 'pod/default/a', to: 'pod/default/b', proto: 'tcp', port: 80 }, hop: 0, theme: 'light' };
  const corrupt: [string, () => string, RegExp][] = [
    ['bad base64', () => '#v1.abc*def!', /characters that do not belong/],
    ['bad deflate', () => `#v1.${Buffer.from([7, 1, 2, 3, 4, 5]).toString('base64url')}`, /damaged or incomplete/],
    ['truncated', () => zlibFragment(JSON.stringify({ ...state, manifests: 'x'.repeat(3000) + Math.PI })).slice(0, 40), /damaged or incomplete|characters that do not belong/],
    ['decompression bomb', () => `#v1.${deflateRawSync(Buffer.alloc(32 * 1024 * 1024, 0x20)).toString('base64url')}`, /unpacks to more than/],
    ['wrong version', () => zlibFragment(JSON.stringify(state), 7), /different version of PacketWalk/],
    ['wrong types', () => zlibFragment(JSON.stringify({ ...state, scenario: { ...state.scenario, port: '80' } })), /scenario\.port must be a whole number/],
    ['huge string', () => zlibFragment(JSON.stringify({ ...state, scenario: { ...state.scenario, from: 'p'.repeat(100_000) } })), /scenario\.from is 100000 characters long/],
    ['not JSON', () => zlibFragment('{"manifests": '), /not valid data/],
  ];
  for (const [kind, hash, message] of corrupt) {
    test(`a corrupt link (${kind}) shows a clear message and the app keeps working`, async ({ browser }) => {
      const page = await freshPage(browser);
      const app = new AppPage(page);
      await page.goto(`/${hash()}`);
      await expect(page.getByText('This share link could not be opened')).toBeVisible({ timeout: 15_000 });
      await expect(page.getByText(message)).toBeVisible();
      await app.waitForTrace();
      await app.stepForward.click();
      expect(await app.currentSeq()).toBe(2);
      await page.context().close();
    });
  }

  test('a broken link pasted into an open app keeps the current work', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.stepForward.click();
    const text = await app.storeText();
    await page.evaluate(() => {
      location.hash = '#v1.AAAA';
    });
    await expect(page.getByText('This share link could not be opened')).toBeVisible();
    expect(await app.storeText()).toBe(text);
    expect(await app.currentSeq()).toBe(2);
  });
});
