import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';

// Every preset from the menu traces end to end; screenshots of each, light and dark, go to
// test-results/screens for a person to look at.
test('every preset traces', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  const app = new AppPage(page);
  await app.openFresh();
  await app.waitForTrace();
  const titles = await app.presetTitles();
  expect(titles.length).toBeGreaterThan(0);
  for (const [i, title] of titles.entries()) {
    await app.choosePreset(title);
    await expect(page.locator('.verdict')).toBeVisible({ timeout: 20_000 });
    await app.waitForTrace();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.keyboard.press('End');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => window.__packetwalk?.store.getState().setTheme(t), theme);
      await page.waitForTimeout(350);
      await page.screenshot({ path: `test-results/screens/${String(i + 1).padStart(2, '0')}-${theme}.png` });
    }
  }
});
