import { VIEWPORTS, checkAccessibility, test, waitForHydration } from "./support";

// Every page Relink serves without a journey state, at phone and desktop sizes, with
// JavaScript on and off (the projects). Journey states are scanned in the journey specs.
const PAGES = [
  "/",
  "/demo",
  "/demo/mailbox",
  "/no-such-page",
  "/reset-passphrase",
  "/reset-passphrase/new-passphrase",
  "/sign-in",
  "/account/this-was-not-me",
  "/cannot-sign-in",
  "/cannot-sign-in/pin-document",
  "/cannot-sign-in/delete-account",
  "/replace-account",
  "/replace-account/email",
  "/replace-account/status",
  "/staff/sign-in",
];

for (const path of PAGES) {
  for (const viewport of VIEWPORTS) {
    test(`axe finds no WCAG 2.2 AA violations on ${path} (${viewport.name})`, async ({ page, browser }, testInfo) => {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.goto(path);
      await waitForHydration(page, testInfo);
      await checkAccessibility(page, browser, testInfo);
    });
  }
}
