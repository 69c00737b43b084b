import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';

// What the app shows a user around a trace: terminals, the picture's marks, playback, the editor's
// schema help, the reply path of a refused connection, and a layout that does not jump.
test.describe('views', () => {
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
});
