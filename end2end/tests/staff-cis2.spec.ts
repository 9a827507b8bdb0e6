import { expect, type TestInfo } from "@playwright/test";
import { checkAccessibility, test } from "./support";

// Staff sign in with NHS CIS2: here the test OpenID provider (oidc-provider with CIS2's claims)
// that playwright.config.ts starts, and a Relink server per project configured for it. The real
// code flow in a real browser, with JavaScript on and off: the provider's callback comes back by
// a cross-site navigation, and the member must still land signed in (the Strict staff cookie).
test.use({ viewport: { width: 1280, height: 800 } });
test.describe.configure({ timeout: 60_000 });

// The ports playwright.config.ts gives these servers: the base port + 3 (JS on) and + 4 (JS off).
const basePort = Number(process.env.RELINK_E2E_BASE_PORT ?? "3100");
const server = (testInfo: TestInfo) =>
  `http://127.0.0.1:${basePort + (testInfo.project.name === "js-on" ? 3 : 4)}`;

test("a member signs in with CIS2 and lands on their staff home", async ({ page, browser }, testInfo) => {
  await page.goto(`${server(testInfo)}/staff/sign-in`);
  // Provider only: no local form.
  await expect(page.getByLabel("Password", { exact: true })).toHaveCount(0);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Sign in with NHS Care Identity Service 2" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Test CIS2: choose who signs in");
  await page.getByRole("button", { name: /Rita Rivers/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
  expect(new URL(page.url()).pathname).toBe("/staff");
  await expect(page.getByText("Signed in as cis2.555000000001")).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});

test("someone with no role at a Relink practice is refused with a clear page", async ({ page, browser }, testInfo) => {
  await page.goto(`${server(testInfo)}/staff/sign-in`);
  await page.getByRole("button", { name: "Sign in with NHS Care Identity Service 2" }).click();
  await page.getByRole("button", { name: /Nia Elsewhere/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You cannot use the staff area with this account");
  await expect(page.getByText("has no role at a GP practice that uses this service")).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("link", { name: "Go to the staff sign-in page" }).click();
  await expect(page.getByRole("button", { name: "Sign in with NHS Care Identity Service 2" })).toBeVisible();
});
