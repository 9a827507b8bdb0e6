import { expect } from "@playwright/test";
import { PAGES_WITHOUT_JOURNEY_STATE, test } from "./support";

// Accessibility-tree snapshots (Playwright's ARIA snapshots) of each page's main content, in
// English and Welsh: checked in beside this file (aria.spec.ts-snapshots/), so a change to
// headings, landmarks, labels, hints or live regions shows in review as a diff. JavaScript on
// and off compare with the same snapshot: nhsuk-frontend's script must not change what
// assistive technology is told. After a deliberate change: `npx playwright test --config
// end2end/playwright.config.ts tests/aria.spec.ts --update-snapshots`, and read the diff.
//
// The demo page (a security code that changes every 30 seconds) and the demo mailbox (the
// emails other tests send) are left out: their content is not the same twice.
const STABLE_PAGES = PAGES_WITHOUT_JOURNEY_STATE.filter((path) => !path.startsWith("/demo"));

for (const language of ["en", "cy"] as const) {
  for (const path of STABLE_PAGES) {
    test(`the accessibility tree of ${path} (${language}) is as reviewed`, async ({ page, context, baseURL }) => {
      await context.addCookies([{ name: "relink-lang", value: language, url: baseURL! }]);
      await page.goto(path);
      const name = `${path === "/" ? "home" : path.slice(1).replaceAll("/", "-")}-${language}.aria.yml`;
      await expect(page.getByRole("main")).toMatchAriaSnapshot({ name });
      // The header and footer: the same on every page, so one page's are enough.
      if (path === "/") {
        await expect(page.getByRole("banner")).toMatchAriaSnapshot({ name: `header-${language}.aria.yml` });
        await expect(page.getByRole("contentinfo")).toMatchAriaSnapshot({ name: `footer-${language}.aria.yml` });
      }
    });
  }
}
