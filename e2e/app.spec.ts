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

  test('a refused connection plays the ICMP error back to the client on the reply path', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.choosePreset('Failure: Service without endpoints');
    await expect(page.locator('.verdict')).toHaveText('Rejected');
    const reply = page.getByRole('button', { name: 'Reply path' });
    await reply.click();
    await expect(reply).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.verdict')).toHaveText('ICMP error returned');
    if (await app.pause.isVisible()) await app.pause.click();
    await page.keyboard.press('Home');
    // The node makes the error: its header line names the ICMP type, the inspector the quoted packet.
    await expect(app.hopItems().first()).toContainText('ICMP port unreachable');
    await expect(app.inspector.getByRole('row', { name: /^icmp/ })).toContainText('port-unreachable (3/3) about 172.16.0.66:');
    await page.keyboard.press('End');
    await expect(app.currentHop).toContainText('Connection refused');
    await expect(app.inspector).toContainText('deliver');
  });

  test('the Terminal tab shows the current namespace as a node would, with the line the hop used lit', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await page.getByRole('tab', { name: 'Terminal' }).click();
    const term = (command: string) => page.locator('pre.term', { has: page.locator('.line', { hasText: command }) });
    // Hop 1: the pod's routing decision, lit in its `ip route`.
    await expect(term('ip route').locator('.hit')).toHaveText(/^default via 169\.254\.1\.1 dev eth0/);
    // Hop 2: proxy ARP for 169.254.1.1, learned into the pod's neighbour table.
    await app.stepForward.click();
    await page.getByRole('button', { name: 'ip neigh', exact: true }).click();
    await expect(term('ip neigh').locator('.hit')).toHaveText(/^169\.254\.1\.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee REACHABLE/);
    // A nat POSTROUTING hop lights its rules in the *nat section only (Felix writes the same jump in mangle).
    const natSeq = Number(await app.hopItems().filter({ hasText: "The nat table's POSTROUTING chain" }).first().locator('.seq').textContent());
    for (let i = 2; i < natSeq; i++) await app.stepForward.click();
    await page.getByRole('button', { name: 'iptables-save', exact: true }).click();
    await expect(term('iptables-save').locator('.hit').first()).toBeVisible();
    const sections = await term('iptables-save').locator('.line').evaluateAll((els) => {
      let section = '';
      return els.flatMap((e) => {
        if (e.textContent?.startsWith('*')) section = e.textContent.slice(1);
        return e.classList.contains('hit') ? [section] : [];
      });
    });
    expect(sections.length).toBeGreaterThan(1);
    expect(new Set(sections)).toEqual(new Set(['nat']));
    // The conntrack hop on the node: its entry in `conntrack -L`, found by the original tuple.
    const seq = await app.hopItems().filter({ hasText: 'Conntrack confirms' }).first().locator('.seq').textContent();
    for (let i = natSeq; i < Number(seq); i++) await app.stepForward.click();
    await page.getByRole('button', { name: 'conntrack -L', exact: true }).click();
    await expect(term('conntrack -L').locator('.hit')).toHaveCount(1);
    await expect(term('conntrack -L').locator('.hit')).toContainText('src=172.16.0.66 dst=10.100.35.120 sport=');
    await expect(term('conntrack -L')).toContainText('flow entries have been shown');
  });

  test('playback controls: Space plays and pauses, speed, loop and the theme switch', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    if (await app.pause.isVisible()) await app.pause.click();
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Space');
    await expect(app.pause).toBeVisible();
    await expect.poll(() => app.currentSeq(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.keyboard.press('Space');
    await expect(app.play).toBeVisible();
    const at = await app.currentSeq();
    await page.waitForTimeout(1200);
    expect(await app.currentSeq()).toBe(at);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
    await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('2');
    const loop = page.getByRole('button', { name: 'Loop' });
    await loop.click();
    await expect(loop).toHaveAttribute('aria-pressed', 'true');
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);
  });

  test('the picture shows the DNAT rewrite, the tunnel header, the chain ladder and a drop in red', async ({ page }) => {
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const seqOf = async (text: string) => Number(await app.hopItems().filter({ hasText: text }).first().locator('.seq').textContent());
    const goTo = async (seq: number) => {
      await page.keyboard.press('Home');
      for (let i = 1; i < seq; i++) await app.stepForward.click();
    };
    // DNAT: the destination changes in the inspector and on the packet's header tag.
    await goTo(await seqOf('DNAT rewrites the destination'));
    await expect(app.inspector.getByRole('row', { name: /^dst/ })).toContainText('(changed)');
    await expect(page.locator('svg .packet text.changed')).toHaveCount(1);
    // A netfilter hop opens that node's chain ladder with the deciding rule lit.
    await goTo(await seqOf("The nat table's PREROUTING chain"));
    const ladder = page.getByRole('region', { name: 'Chain ladder' });
    await expect(ladder).toBeVisible();
    await expect(ladder.getByRole('list', { name: 'Rules that matched' }).locator('li.hit')).toHaveCount(1);
    // IPIP: the packet is wrapped in an outer header between the node addresses.
    await goTo(await seqOf('tunl0 wraps'));
    await expect(page.locator('svg .packet .outer-wrap')).toBeVisible();
    await expect(page.locator('svg .packet .outer-label')).toHaveText(/^IPIP 192\.168\.10\.101 → 192\.168\.10\.102/);
    // A rejected packet ends in red at the rule that rejected it.
    await app.choosePreset('Failure: Service without endpoints');
    await page.keyboard.press('End');
    await expect(page.locator('svg .packet')).toHaveClass(/\bdrop\b/);
    await expect(app.currentHop).toContainText('rejected');
  });

  test('no layout jumps: the panels keep their place while stepping, switching tabs and directions', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    const boxes = () =>
      page.evaluate(() =>
        ['.area-bar', '.area-canvas', '.area-bottom', '.area-side'].map((sel) => {
          const r = document.querySelector(sel)!.getBoundingClientRect();
          return [sel, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)].join(' ');
        }),
      );
    const before = await boxes();
    expect(before).toHaveLength(4);
    for (let i = 0; i < 8; i++) {
      await app.stepForward.click();
      expect(await boxes()).toEqual(before);
    }
    await page.getByRole('tab', { name: 'Terminal' }).click();
    expect(await boxes()).toEqual(before);
    await page.getByRole('tab', { name: 'Hop' }).click();
    await page.getByRole('button', { name: 'Reply path' }).click();
    expect(await boxes()).toEqual(before);
    await app.choosePreset('Failure: Service without endpoints');
    expect(await boxes()).toEqual(before);
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

  test('the editor knows the Kubernetes schema offline: type errors, hover docs, completion of kinds', async ({ page }) => {
    test.setTimeout(90_000);
    const app = new AppPage(page);
    await app.openFresh();
    await app.waitForTrace();
    await app.openEditor();
    // Set as text: typed, the editor's auto-indent would nest each line under the one before.
    await page.evaluate(() => {
      const s = window.__packetwalk!.store.getState();
      s.setText(`${s.text}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: extra\nspec:\n  replicas: three\n`, 'paste');
    });
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    // monaco-yaml checks the schema in its own worker, next to the engine's marker; the hover also
    // carries the field's documentation.
    const three = page.locator('.monaco-editor .view-line', { hasText: 'replicas: three' }).locator('span span', { hasText: /^three$/ });
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Incorrect type. Expected "integer"' }).filter({ hasText: 'Desired pods.' });
    // The YAML worker validates in its own time: hover again until its marker and docs are there.
    await expect(async () => {
      await page.mouse.move(0, 0);
      await three.hover();
      await expect(hover).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.mouse.move(0, 0);
    // Completion on a `kind:` being typed (set as text, then the cursor put at its end).
    await page.evaluate(() => {
      const s = window.__packetwalk!.store.getState();
      s.setText(`${s.text}---\napiVersion: apps/v1\nkind: Netw\n`, 'paste');
    });
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End'); // the empty last line
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    // NetworkPolicy is nowhere in the text: the suggestion comes from the schema's kinds. The YAML
    // worker may still be validating the last change: ask again until it answers.
    const suggest = page.locator('.monaco-editor .suggest-widget');
    await expect(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Space');
      await expect(suggest).toContainText('NetworkPolicy', { timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
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
