import { test } from "@playwright/test";
import { expectNoAxeViolations, VIEWPORTS, waitForHydration } from "./support";

// Every page Relink serves, at phone and desktop sizes, with JavaScript on and off (projects).
const PAGES = ["/", "/demo", "/no-such-page"];

for (const path of PAGES) {
  for (const viewport of VIEWPORTS) {
    test(`axe finds no WCAG 2.2 AA violations on ${path} (${viewport.name})`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.goto(path);
      await waitForHydration(page, testInfo);
      await expectNoAxeViolations(page);
    });
  }
}
