import { expect, type Locator, type Page } from '@playwright/test';
import './hooks';

/** The PacketWalk app as a user sees it: roles and accessible names only. */
export class AppPage {
  readonly page: Page;
  readonly hops: Locator;
  readonly currentHop: Locator;
  readonly play: Locator;
  readonly pause: Locator;
  readonly stepForward: Locator;
  readonly stepBack: Locator;
  readonly inspector: Locator;
  readonly topology: Locator;
  readonly presets: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly notice: Locator;
  readonly problems: Locator;

  constructor(page: Page) {
    this.page = page;
    this.hops = page.getByRole('list', { name: 'Hops' });
    this.currentHop = this.hops.locator('li[aria-current="step"]');
    this.play = page.getByRole('button', { name: 'Play', exact: true });
    this.pause = page.getByRole('button', { name: 'Pause', exact: true });
    this.stepForward = page.getByRole('button', { name: 'Step forward' });
    this.stepBack = page.getByRole('button', { name: 'Step back' });
    this.inspector = page.getByRole('complementary', { name: 'Inspector' });
    this.topology = page.getByRole('img', { name: /Cluster topology/ });
    this.presets = page.getByRole('button', { name: 'Presets' });
    this.from = page.getByRole('combobox', { name: 'From', exact: true });
    this.to = page.getByRole('combobox', { name: 'To', exact: true });
    this.notice = page.getByRole('status').filter({ hasText: /engine/i });
    this.problems = page.getByRole('region', { name: 'Problems' });
  }

  /** A fresh start: no saved manifests from an earlier test. */
  async openFresh(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.page.evaluate(() => localStorage.clear());
    await this.page.goto(`/${query}`);
  }

  async waitForTrace(): Promise<void> {
    await expect(this.currentHop).toHaveCount(1, { timeout: 30_000 });
  }

  hopItems(): Locator {
    return this.hops.getByRole('listitem');
  }

  /** 1-based number of the current hop, read from the hop list. */
  async currentSeq(): Promise<number> {
    const items = await this.hopItems().all();
    for (let i = 0; i < items.length; i++) if ((await items[i]!.getAttribute('aria-current')) === 'step') return i + 1;
    return 0;
  }

  /** The id of the element the graph marks as the packet's current place. */
  async graphCurrent(): Promise<string | null> {
    return this.page.locator('svg .topo .current[data-id]').first().getAttribute('data-id');
  }

  async presetTitles(): Promise<string[]> {
    await this.presets.click();
    const items = this.page.getByRole('menuitem');
    const titles = await items.locator('.title').allTextContents();
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** Picks a preset from the menu and waits until its own trace (not the previous one) is shown. */
  async choosePreset(title: string): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __pwPrevTrace: unknown }).__pwPrevTrace = window.__packetwalk?.store.getState().trace;
    });
    await this.presets.click();
    await this.page.getByRole('menuitem').filter({ has: this.page.locator('.title', { hasText: title }) }).first().click();
    await expect
      .poll(
        () =>
          this.page.evaluate(() => {
            const s = window.__packetwalk?.store.getState();
            const prev = (window as unknown as { __pwPrevTrace: unknown }).__pwPrevTrace;
            return Boolean(s && s.trace && !s.tracing && s.build.status !== 'building' && s.trace !== prev);
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
  }

  async openEditor(): Promise<Locator> {
    const show = this.page.getByRole('button', { name: 'Show manifests editor' });
    if (await show.isVisible()) await show.click();
    const editor = this.page.getByRole('textbox', { name: /Manifests/ }).first();
    await expect(this.page.locator('.monaco-editor')).toBeVisible({ timeout: 20_000 });
    return editor;
  }

  async storeText(): Promise<string> {
    return this.page.evaluate(() => window.__packetwalk?.store.getState().text ?? '');
  }
}
