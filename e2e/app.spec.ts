import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { benchManifests } from '../bench/generate';
import { AppPage } from './pages/app';

test.describe('PacketWalk app', () => {
  test('first load shows the demo trace and plays it', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await expect(page.getByRole('heading', { name: 'PacketWalk' })).toBeVisible();
    await app.waitForTrace();
    expect(await app.hopItems().count()).toBeGreaterThan(5);
    expect(await app.currentSeq()).toBe(1);
    await expect(page.locator('svg .topo .k8s-node')).toHaveCount(3);
    await app.play.click();
    await expect(app.pause).toBeVisible();
    await expect.poll(() => app.currentSeq(), { timeout: 10_000 }).toBeGreaterThan(2);
    await app.pause.click();
    await expect(app.play).toBeVisible();
  });

  test('stepping forward and back moves the hop list, the inspector and the graph together', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const firstPlace = await app.graphCurrent();
    await expect(app.inspector).toContainText('Hop 1 ·');
    for (let i = 0; i < 4; i++) await app.stepForward.click();
    expect(await app.currentSeq()).toBe(5);
    await expect(app.inspector).toContainText('Hop 5 ·');
    const laterPlace = await app.graphCurrent();
    expect(laterPlace).not.toBeNull();
    // Hop 5 is on the node (k8s-w1's host netns), hop 1 in the client pod: the graph moved.
    expect(laterPlace).not.toBe(firstPlace);
    await app.stepBack.click();
    expect(await app.currentSeq()).toBe(4);
    await expect(app.inspector).toContainText('Hop 4 ·');
    // Keyboard: Home, End, arrows.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Home');
    expect(await app.currentSeq()).toBe(1);
    expect(await app.graphCurrent()).toBe(firstPlace);
    await page.keyboard.press('ArrowRight');
    expect(await app.currentSeq()).toBe(2);
    await page.keyboard.press('End');
    expect(await app.currentSeq()).toBe(await app.hopItems().count());
    await page.keyboard.press('ArrowLeft');
    expect(await app.currentSeq()).toBe((await app.hopItems().count()) - 1);
  });

  test('an invalid edit shows a marker and keeps the last graph', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const nodes = await page.locator('svg .topo .k8s-node').count();
    await app.openEditor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    // A second `kind:` key in the first document: YAML forbids duplicate keys in a mapping.
    await page.keyboard.type('kind: Pod\n');
    await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible({ timeout: 15_000 });
    await expect(app.problems).toContainText(/error/i);
    await expect(page.getByText('Showing the last valid cluster')).toBeVisible();
    await expect(page.locator('svg .topo .k8s-node')).toHaveCount(nodes);
    await expect(app.hopItems().first()).toBeVisible();
  });

  test('pasted manifests are traced at once', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const text = readFileSync(new URL('../src/presets/same-node-calico.yaml', import.meta.url), 'utf8');
    await app.openEditor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press('Control+V');
    // The editor marks the change as a paste, so the engine runs without the typing pause.
    await expect.poll(() => page.evaluate(() => window.__packetwalk?.store.getState().textEdit)).toBe('paste');
    await expect(page.locator('svg .topo .pod[data-id="pod:default/client"]')).toBeVisible();
    await expect(page.locator('svg .topo .pod[data-id^="pod:default/frontend"]')).toHaveCount(0);
    await app.waitForTrace();
    expect(await app.storeText()).toBe(text);
  });

  test('a big cluster: the picture keeps the path and counts what it leaves out; the pickers list everything when reached', async ({ page }) => {
    test.setTimeout(60_000);
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    // 300 three-replica Deployments on 12 nodes: 900 pods, 300 Services.
    const text = benchManifests({ services: 300, nodes: 12 });
    await page.evaluate((t) => window.__packetwalk?.store.getState().setText(t, 'paste'), text);
    await expect(page.locator('svg .topo .pod[data-id^="pod:default/frontend"]')).toHaveCount(0, { timeout: 30_000 });
    await app.waitForTrace();
    // At most 10 pods per node are drawn (11 workers here; the control plane runs none), the
    // nodes off the path a few frames after the rest; each node says how many it leaves out.
    const pods = await page.evaluate(() => (window as unknown as { __packetwalk: { store: { getState(): { topology: { pods: unknown[] } } } } }).__packetwalk.store.getState().topology.pods.length);
    expect(pods).toBeGreaterThanOrEqual(110);
    expect(pods).toBeLessThanOrEqual(110 + 4);
    await expect.poll(() => page.locator('svg .topo .pod').count()).toBe(pods);
    await expect(page.locator('svg .topo .k8s-node text.more').first()).toHaveText(/^\+\d+ pods not drawn$/);
    await expect(page.locator('svg .topo .band text').first()).toContainText('more not drawn');
    // Until reached, the To picker holds only its current choice; then all of them.
    await expect(app.to.locator('option')).toHaveCount(1);
    await app.to.focus();
    await expect.poll(() => app.to.locator('option').count()).toBeGreaterThan(400);
    // A Service far from the first ones: its path is drawn, whatever the limits.
    await app.to.selectOption((await app.to.locator('option[value^="svc/team-19/app-299"]').first().getAttribute('value')) ?? '');
    await app.waitForTrace();
    await expect(page.locator('svg .topo .service[data-id="svc:team-19/app-299"]')).toBeVisible({ timeout: 15_000 });
  });

  test('a crashed engine worker is restarted and tracing goes on', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await page.evaluate(() => window.__packetwalk?.crashEngine());
    await expect(page.getByText('The engine crashed and was restarted')).toBeVisible();
    await app.waitForTrace();
    // The restarted worker answers a new trace.
    const options = await app.to.locator('option').allTextContents();
    const target = options.find((o) => o.includes('kube-dns')) ?? options[1]!;
    await app.to.selectOption({ label: target });
    await app.waitForTrace();
    await expect(app.inspector).toContainText('Hop 1 ·');
  });

  test('a hung engine worker is restarted after the deadline', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.stepForward.click();
    await app.stepForward.click();
    await page.evaluate(() => {
      window.__packetwalk?.setDeadline(800);
      window.__packetwalk?.hangEngine(60_000);
    });
    await expect(page.getByText('The engine stopped responding')).toBeVisible({ timeout: 10_000 });
    await page.evaluate(() => window.__packetwalk?.setDeadline(20_000));
    // The restart keeps the trace and the user's place in it, and the new worker answers.
    expect(await app.currentSeq()).toBe(3);
    await app.stepForward.click();
    await expect(app.inspector).toContainText('Hop 4 ·');
    const options = await app.to.locator('option').allTextContents();
    await app.to.selectOption({ label: options.find((o) => o.includes('kube-dns')) ?? options[1]! });
    await expect(app.inspector).toContainText('ip route get 10.96.0.10');
    await expect(app.inspector).toContainText('Hop 1 ·');
  });

  test('a reload restores what the user typed', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.openEditor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# note to self: keep this line\n');
    await expect.poll(() => app.storeText()).toContain('# note to self: keep this line');
    await page.waitForTimeout(600); // the autosave debounce
    await page.reload();
    await app.waitForTrace();
    expect(await app.storeText()).toContain('# note to self: keep this line');
    await app.openEditor();
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await expect(page.locator('.monaco-editor .view-lines')).toContainText('note to self');
  });

  test('a reload keeps the endpoints the user picked after a preset', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const dns = (await app.to.locator('option', { hasText: 'kube-dns' }).first().getAttribute('value'))!;
    expect(dns).toMatch(/^svc\/kube-system\/kube-dns/);
    await app.to.selectOption(dns);
    await expect.poll(() => page.evaluate(() => window.__packetwalk?.store.getState().scenario.to)).toBe(dns);
    await page.waitForTimeout(600); // the autosave debounce
    await page.reload();
    await app.waitForTrace();
    await expect(app.to).toHaveValue(dns);
  });

  test('the engine also runs on the main thread', async ({ page }) => {
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    const app = new AppPage(page);
    await app.openFresh('?engine=main');
    await app.waitForTrace();
    await app.stepForward.click();
    expect(await app.currentSeq()).toBe(2);
    await expect(page.getByRole('status', { name: 'Engine runs on the main thread' })).toBeVisible();
    expect(workers.filter((u) => /engine\.worker/.test(u))).toEqual([]);
  });

  test('an engine worker that cannot load hands the engine to the page, and says so', async ({ page }) => {
    await page.route(/engine\.worker-[^/]*\.js$/, (r) => r.fulfill({ status: 404, body: '' }));
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await expect(page.getByRole('status').filter({ hasText: 'The engine worker could not start' })).toHaveCount(1);
    await expect(page.getByRole('status', { name: 'Engine runs on the main thread' })).toBeVisible();
    await app.stepForward.click();
    expect(await app.currentSeq()).toBe(2);
  });

  test('no request leaves the machine', async ({ page }) => {
    const outside: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!/^(http:\/\/127\.0\.0\.1:4173\/|blob:|data:)/.test(url)) outside.push(url);
    });
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.openEditor();
    await app.play.click();
    await page.waitForTimeout(1500);
    const titles = await app.presetTitles();
    if (titles[1]) await app.choosePreset(titles[1]);
    await app.waitForTrace();
    expect(outside).toEqual([]);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`axe finds no WCAG A/AA violations outside the editor (${theme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      const app = new AppPage(page);
      await app.openFresh();
      await app.waitForTrace();
      await app.stepForward.click();
      const results = await new AxeBuilder({ page }).exclude('.monaco-editor').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const summary = results.violations.map((v) => `${v.impact}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      expect(summary).toEqual([]);
    });
  }
});
