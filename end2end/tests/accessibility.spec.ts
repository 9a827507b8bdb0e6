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
