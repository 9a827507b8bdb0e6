import { expect, type Page, type TestInfo } from "@playwright/test";
import { enterSecurityCode, jsEnabled, PAGES_WITHOUT_JOURNEY_STATE, test } from "./support";

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

// Signed-in pages, on a server of their own (playwright.config.ts, ports base + 10 and + 11) so
// no other spec changes what they show: one sign-in per test, then each page in English and
// Welsh. What changes from run to run (today's date, a time) is matched by pattern in the
// snapshot files. One snapshot per project: nhsuk-frontend's script hides the follow-up
// questions of radios not chosen (conditional reveals), which the staff forms have, so with
// JavaScript there is rightly less in the tree.
const basePort = Number(process.env.RELINK_E2E_BASE_PORT ?? "3100");
const ariaServer = (testInfo: TestInfo) => `http://127.0.0.1:${basePort + (jsEnabled(testInfo) ? 10 : 11)}`;

async function snapshotInBothLanguages(page: Page, testInfo: TestInfo, path: string, name: string) {
  const base = ariaServer(testInfo);
  for (const language of ["en", "cy"] as const) {
    await page.context().addCookies([{ name: "relink-lang", value: language, url: base }]);
    await page.goto(`${base}${path}`);
    const file = `signed-in-${name}-${language}-${testInfo.project.name}.aria.yml`;
    await expect(page.getByRole("main")).toMatchAriaSnapshot({ name: file });
  }
  await page.context().addCookies([{ name: "relink-lang", value: "en", url: base }]);
}

test("the accessibility tree of a signed-in patient's account is as reviewed", async ({ page }, testInfo) => {
  const base = ariaServer(testInfo);
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Account ID").fill("1000000005");
  await page.getByLabel("ODS code").fill("T00001");
  await page.getByLabel("Passphrase", { exact: true }).fill("river otter lantern forty two");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await snapshotInBothLanguages(page, testInfo, "/account", "account");
});

test("the accessibility trees of the staff area's pages are as reviewed", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const base = ariaServer(testInfo);
  await page.goto(`${base}/staff/sign-in`);
  await page.getByLabel("Username").fill("admin.demo");
  await page.getByLabel("Password", { exact: true }).fill("admin-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await enterSecurityCode(page);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const pages: [string, string][] = [
    ["/staff", "staff-home"],
    ["/staff/test-patients", "staff-test-patients"],
    ["/staff/test-patients/new", "staff-new-test-patient"],
    ["/staff/patients", "staff-find-patient"],
    ["/staff/patients?nhs_number=9990000069", "staff-find-patient-found"],
    ["/staff/replacement-requests", "staff-replacement-requests"],
    ["/staff/mismatches", "staff-mismatches"],
    ["/staff/imports", "staff-imports"],
    ["/staff/practices", "staff-practices"],
    ["/staff/members", "staff-members"],
  ];
  for (const [path, name] of pages) {
    await snapshotInBothLanguages(page, testInfo, path, name);
  }
  // A patient's page and what it leads to, found by their NHS number.
  await page.goto(`${base}/staff/patients?nhs_number=9990000069`);
  const patient = new URL(await page.getByRole("main").getByRole("link").filter({ hasText: "Dana" }).first().getAttribute("href") ?? "", base).pathname;
  await snapshotInBothLanguages(page, testInfo, patient, "staff-patient");
  await snapshotInBothLanguages(page, testInfo, `${patient}/pin-document`, "staff-reissue");
  await snapshotInBothLanguages(page, testInfo, `${patient}/preview`, "staff-preview-start");
});
