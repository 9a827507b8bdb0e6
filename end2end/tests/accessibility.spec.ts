import { test } from "@playwright/test";
import { expectNoAxeViolations, jsEnabled, VIEWPORTS, waitForHydration } from "./support";

// Every page Relink serves, at phone and desktop sizes, with JavaScript on and off.
const PAGES = ["/", "/demo", "/no-such-page"];

// axe itself needs JavaScript in the page, so the "JavaScript off" project checks the page as a
// browser without JavaScript gets it: every script and wasm file the page asks for is refused.
test.use({ javaScriptEnabled: true });

for (const path of PAGES) {
  for (const viewport of VIEWPORTS) {
    test(`axe finds no WCAG 2.2 AA violations on ${path} (${viewport.name})`, async ({ page }, testInfo) => {
      if (!jsEnabled(testInfo)) {
        await page.route(/\.(js|mjs|wasm)(\?.*)?$/, (route) => route.abort());
      }
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.goto(path);
      await waitForHydration(page, testInfo);
      await expectNoAxeViolations(page);
    });
  }
}
