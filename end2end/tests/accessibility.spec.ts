import { expect } from "@playwright/test";
import {
  PAGES_WITHOUT_JOURNEY_STATE,
  VIEWPORTS,
  checkAccessibility,
  test,
  waitForHydration,
} from "./support";

// At phone and desktop sizes, with JavaScript on and off (the projects).
for (const path of PAGES_WITHOUT_JOURNEY_STATE) {
  for (const viewport of VIEWPORTS) {
    test(`axe finds no WCAG 2.2 AA violations on ${path} (${viewport.name})`, async ({ page, browser }, testInfo) => {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.goto(path);
      await waitForHydration(page, testInfo);
      await checkAccessibility(page, browser, testInfo);
    });
  }
}

// The accessibility statement is one link away from every page's footer, in both languages.
test("the footer links to the accessibility statement, in English and in Welsh", async ({ page, browser }, testInfo) => {
  await page.goto("/reset-passphrase");
  await waitForHydration(page, testInfo);
  await page.getByRole("contentinfo").getByRole("link", { name: "Accessibility statement" }).click();
  await expect(page).toHaveURL(/\/accessibility$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accessibility statement for Manage your GP online account");
  await expect(page.getByRole("heading", { level: 3, name: "Compliance status" })).toBeVisible();
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("link", { name: "Cymraeg" }).click();
  await expect(page).toHaveURL(/\/accessibility$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "cy");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Datganiad hygyrchedd ar gyfer Rheoli eich cyfrif ar-lein meddyg teulu");
  await page.goto("/cannot-sign-in");
  await page.getByRole("contentinfo").getByRole("link", { name: "Datganiad hygyrchedd" }).click();
  await expect(page).toHaveURL(/\/accessibility$/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
});
