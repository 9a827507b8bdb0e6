import { expect, type Page, type TestInfo } from "@playwright/test";
import { checkAccessibility, enterSecurityCode, expectNoAxeViolations, jsEnabled, test } from "./support";

// Time limits the user can see and extend (WCAG 2.2.1 Timing Adjustable), against the servers
// playwright.config.ts starts for it: sessions end after 30 seconds unused (40 for staff) and
// the warning comes 20 seconds before, so it opens 10 (20) seconds after a page loads.
test.describe.configure({ timeout: 90_000 });

const basePort = Number(process.env.RELINK_E2E_BASE_PORT ?? "3100");
const server = (testInfo: TestInfo) => `http://127.0.0.1:${basePort + (jsEnabled(testInfo) ? 6 : 7)}`;

const HEADING = "You're about to be signed out";

async function signIn(page: Page, testInfo: TestInfo) {
  await page.goto(`${server(testInfo)}/sign-in`);
  await page.getByLabel("Account ID").fill("1000000005");
  await page.getByLabel("ODS code").fill("T00001");
  await page.getByLabel("Passphrase", { exact: true }).fill("river otter lantern forty two");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
}

const dialog = (page: Page) => page.getByRole("dialog", { name: HEADING });

test.describe("with JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "the warning needs JavaScript");

  test("the warning opens before the end, and Stay signed in keeps the session", async ({ page }, testInfo) => {
    await signIn(page, testInfo);
    const loaded = Date.now();
    await expect(page.getByTestId("time-limit")).toHaveText(
      "For your security, we will sign you out if you do not use this service for 1 minute.",
    );
    await expect(dialog(page)).toBeHidden();
    // Where the user was when the warning came: focus goes back there.
    const link = page.getByRole("link", { name: "This was not me" });
    await link.focus();

    await expect(dialog(page)).toBeVisible({ timeout: 15_000 });
    expect(Date.now() - loaded).toBeGreaterThan(8_000);
    await expect(dialog(page)).toContainText(/For your security, we will sign you out in \d+ seconds\./);
    const stay = dialog(page).getByRole("button", { name: "Stay signed in" });
    await expect(stay).toBeFocused();
    await expectNoAxeViolations(page);
    // Focus stays in the dialog, both ways round.
    await page.keyboard.press("Tab");
    await expect(dialog(page).getByRole("button", { name: "Sign out" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(stay).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(dialog(page).getByRole("button", { name: "Sign out" })).toBeFocused();
    // The rest of the page is out of reach while it is open.
    await expect(link).not.toBeFocused();

    await stay.focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toBeHidden();
    await expect(link).toBeFocused();
    // Past the time the session had before: still signed in, because the server kept it.
    const pressed = Date.now();
    await page.waitForTimeout(Math.max(0, loaded + 32_000 - Date.now()));
    expect(Date.now() - pressed).toBeLessThan(30_000);
    const account = await page.request.get(`${server(testInfo)}/account`, { maxRedirects: 0 });
    expect(account.status()).toBe(200);
  });

  test("when nobody answers, time runs out and the sign-in page says why", async ({ page }, testInfo) => {
    await signIn(page, testInfo);
    await expect(dialog(page)).toBeVisible({ timeout: 15_000 });
    // The countdown is shown every second but announced at moments only (here: 10 seconds).
    const announcements = await page.evaluate(() => {
      const live = document.querySelector("[data-relink-announce]")!;
      (window as any).said = [];
      new MutationObserver(() => (window as any).said.push(live.textContent)).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      });
      return live.getAttribute("aria-live");
    });
    expect(announcements).toBe("polite");
    const countdown = page.locator("[data-relink-countdown]");
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first!);
    await expect(page.locator("[data-relink-announce]")).toHaveText(
      "For your security, we will sign you out in 10 seconds.",
      { timeout: 15_000 },
    );
    const said: string[] = await page.evaluate(() => (window as any).said);
    expect(said.length).toBeLessThanOrEqual(2);

    await expect(page).toHaveURL(/\/sign-in\?signed_out=timeout$/, { timeout: 20_000 });
    await expect(
      page.getByText("You have been signed out. For your security, we sign you out if you do not use this service for 1 minute."),
    ).toBeVisible();
    const account = await page.request.get(`${server(testInfo)}/account`, { maxRedirects: 0 });
    expect(account.status()).toBe(303);
  });

  test("one tab's Stay signed in extends every tab, and one tab's sign-out ends them all", async ({ page, context }, testInfo) => {
    await signIn(page, testInfo);
    const other = await context.newPage();
    await other.goto(`${server(testInfo)}/account`);
    await expect(dialog(page)).toBeVisible({ timeout: 15_000 });
    await expect(dialog(other)).toBeVisible({ timeout: 5_000 });
    await dialog(other).getByRole("button", { name: "Stay signed in" }).click();
    await expect(dialog(other)).toBeHidden();
    await expect(dialog(page)).toBeHidden();

    await expect(dialog(page)).toBeVisible({ timeout: 15_000 });
    await dialog(page).getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You have signed out.")).toBeVisible();
    await expect(other).toHaveURL(/\/sign-in\?signed_out=1$/);
    await expect(other.getByText("You have signed out.")).toBeVisible();
  });

  test("in Welsh, with Escape to stay signed in", async ({ page, context }, testInfo) => {
    await context.addCookies([{ name: "relink-lang", value: "cy", url: server(testInfo) }]);
    await page.goto(`${server(testInfo)}/sign-in`);
    await page.getByLabel("ID Cyfrif").fill("1000000005");
    await page.getByLabel("Cod ODS").fill("T00001");
    await page.getByLabel("Cyfrinymadrodd", { exact: true }).fill("river otter lantern forty two");
    await page.getByRole("button", { name: "Mewngofnodi" }).click();
    await expect(page.getByTestId("time-limit")).toContainText("am 1 munud.");
    const welsh = page.getByRole("dialog", { name: "Rydych chi ar fin cael eich allgofnodi" });
    await expect(welsh).toBeVisible({ timeout: 15_000 });
    await expect(welsh).toContainText(/byddwn yn eich allgofnodi ymhen \d+ eiliad\./);
    await expect(welsh.getByRole("button", { name: "Aros wedi mewngofnodi" })).toBeFocused();
    await expectNoAxeViolations(page);
    await page.keyboard.press("Escape");
    await expect(welsh).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Eich cyfrif");
  });

  test("staff get the warning on staff pages and can sign out from it", async ({ page }, testInfo) => {
    await page.goto(`${server(testInfo)}/staff/sign-in`);
    await page.getByLabel("Username").fill("staff.riverside");
    await page.getByLabel("Password", { exact: true }).fill("riverside-demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await enterSecurityCode(page);
    await expect(page.getByTestId("time-limit")).toContainText("for 1 minute.");
    await expect(dialog(page)).toBeVisible({ timeout: 25_000 });
    await expectNoAxeViolations(page);
    await dialog(page).getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You have signed out.")).toBeVisible();
    expect(new URL(page.url()).pathname).toBe("/staff/sign-in");
  });
});

test.describe("without JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, "the page without its script");

  test("the page says how long the session lasts, and after the end that it ended", async ({ page, browser }, testInfo) => {
    await signIn(page, testInfo);
    await expect(page.getByTestId("time-limit")).toHaveText(
      "For your security, we will sign you out if you do not use this service for 1 minute.",
    );
    await expect(dialog(page)).toBeHidden();
    await expect(page.getByRole("button", { name: "Stay signed in" })).toHaveCount(0);
    await checkAccessibility(page, browser, testInfo);
    await page.waitForTimeout(31_000);
    await page.getByRole("link", { name: "Your account" }).click();
    expect(new URL(page.url()).search).toBe("?signed_out=timeout");
    await expect(
      page.getByText("You have been signed out. For your security, we sign you out if you do not use this service for 1 minute."),
    ).toBeVisible();
    // The dead cookie went: the header no longer offers "Sign out".
    await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await checkAccessibility(page, browser, testInfo);
  });
});
