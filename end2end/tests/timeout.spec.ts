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

// A journey step's time limit (10 minutes for a reset's new passphrase, 30 for asking to
// replace an account) is too long to wait for: the browser's clock is moved on instead
// (Playwright's clock), while the server keeps real time. So these check the page's side: the
// warning opens before the step's end (20 seconds before on these servers), "I need more
// time" extends it on the server and moves the end on, and at the end the step's page is
// loaded again. What that page then says (the step ended) is tested against the server in
// tests/it/session_timeout.rs.
const STEP_HEADING = "Do you need more time?";
const stepDialog = (page: Page) => page.getByRole("dialog", { name: STEP_HEADING });

/** The step's time as the page was sent: seconds left, seconds more time gives, warning time. */
async function stepTimes(page: Page) {
  return page.locator("dialog[data-relink-timeout]").evaluate((dialog: HTMLElement) => ({
    left: Number(dialog.dataset.secondsLeft),
    extend: Number(dialog.dataset.extendSeconds),
    warning: Number(dialog.dataset.warningSeconds),
  }));
}

/** Moves the browser's clock to 10 seconds before the warning, then 15 seconds on: it opens. */
async function waitForWarning(page: Page, dialog: ReturnType<typeof stepDialog>, secondsLeft: number, warning: number) {
  await page.clock.fastForward((secondsLeft - warning - 10) * 1000);
  await expect(dialog).toBeHidden();
  await page.clock.fastForward(15_000);
  await expect(dialog).toBeVisible();
}

async function matchPinDocument(page: Page, testInfo: TestInfo) {
  await page.goto(`${server(testInfo)}/reset-passphrase`);
  await page.getByLabel("Account ID").fill("1000000001");
  await page.getByLabel("ODS code").fill("T00001");
  await page.getByLabel("Passphrase from your PIN document").fill("demo-pin-1");
  await page.getByLabel("Day").fill("1");
  await page.getByLabel("Month").fill("2");
  await page.getByLabel("Year").fill("1980");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create a new passphrase");
}

test.describe("a staff form sent too late, without JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, "with JavaScript the warning comes first");

  test("what was typed is kept, and put back once the member signs in again", async ({ page, browser }, testInfo) => {
    const signInWithCode = async () => {
      await page.getByLabel("Username").fill("staff.riverside");
      await page.getByLabel("Password", { exact: true }).fill("riverside-demo-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await enterSecurityCode(page);
    };
    await page.goto(`${server(testInfo)}/staff/sign-in`);
    await signInWithCode();
    await page.goto(`${server(testInfo)}/staff/test-patients/new`);
    await page.getByLabel("First name").fill("Ada");
    await page.getByLabel("Last name").fill("Kept");
    await page.getByLabel("Day").first().fill("1");
    await page.getByLabel("Month").first().fill("2");
    await page.getByLabel("Year").first().fill("1990");
    await page.getByLabel("Full record").check();
    // Staff sessions end after 40 seconds unused on this server.
    await page.waitForTimeout(41_000);
    await page.getByRole("button", { name: "Set up test patient" }).click();
    await expect(page.getByText("What you typed on that page has not been sent, but we have kept it")).toBeVisible();
    await checkAccessibility(page, browser, testInfo);

    await signInWithCode();
    await expect(page).toHaveURL(/\/staff\/test-patients\/new$/);
    await expect(page.getByLabel("First name")).toHaveValue("Ada");
    await expect(page.getByLabel("Last name")).toHaveValue("Kept");
    await expect(page.getByLabel("Year").first()).toHaveValue("1990");
    await expect(page.getByLabel("Full record")).toBeChecked();
    await checkAccessibility(page, browser, testInfo);
    // Put back once: the form is fresh when opened again.
    await page.reload();
    await expect(page.getByLabel("First name")).toHaveValue("");
  });
});

test.describe("journey steps, with JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "the warning needs JavaScript");

  test("a reset step warns 2 minutes before its end, and I need more time extends it", async ({ page }, testInfo) => {
    await page.clock.install();
    await matchPinDocument(page, testInfo);
    await expect(page.getByTestId("time-limit")).toHaveText(
      "For your security, you have 10 minutes to create a new passphrase. After that, you will need to enter your PIN document details again.",
    );
    const times = await stepTimes(page);
    expect(times.left).toBeGreaterThan(590);
    expect(times.extend).toBe(600);
    const field = page.getByLabel("New passphrase", { exact: true });
    await field.focus();
    await waitForWarning(page, stepDialog(page), times.left, times.warning);
    await expect(stepDialog(page)).toContainText(/For your security, this step will end in \d+ seconds\./);
    const more = stepDialog(page).getByRole("button", { name: "I need more time" });
    await expect(more).toBeFocused();
    await expectNoAxeViolations(page);
    await page.keyboard.press("Tab");
    await expect(stepDialog(page).getByRole("button", { name: "Start again" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(more).toBeFocused();

    const answer = page.waitForResponse((response) => response.url().endsWith("/reset-passphrase/more-time"));
    await page.keyboard.press("Enter");
    const extended = await answer;
    expect(extended.status()).toBe(200);
    expect(Number(await extended.text())).toBeGreaterThan(590);
    await expect(stepDialog(page)).toBeHidden();
    await expect(field).toBeFocused();
    // Ten minutes from the press: past the old end, no warning until just before the new one.
    await waitForWarning(page, stepDialog(page), Number(await extended.text()), times.warning);

    // Start again goes back to the PIN document's details.
    await stepDialog(page).getByRole("button", { name: "Start again" }).click();
    await expect(page).toHaveURL(/\/reset-passphrase$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your passphrase");
  });

  test("when nobody answers, the step's page is loaded again at its end", async ({ page }, testInfo) => {
    await page.clock.install();
    await matchPinDocument(page, testInfo);
    const times = await stepTimes(page);
    await waitForWarning(page, stepDialog(page), times.left, times.warning);
    const reloaded = page.waitForRequest(
      (request) => request.method() === "GET" && request.url().endsWith("/reset-passphrase/new-passphrase"),
    );
    await page.clock.fastForward(times.warning * 1000);
    await reloaded;
  });

  test("asking to replace an account, in Welsh, with Escape for more time", async ({ page, context }, testInfo) => {
    await context.addCookies([{ name: "relink-lang", value: "cy", url: server(testInfo) }]);
    await page.clock.install();
    await page.goto(`${server(testInfo)}/replace-account`);
    await page.getByLabel("Rhif GIG").fill("999 000 0069");
    await page.getByLabel("Diwrnod").fill("6");
    await page.getByLabel("Mis").fill("7");
    await page.getByLabel("Blwyddyn").fill("1972");
    await page.getByLabel("Cod post").fill("rv6 7lm");
    await page.getByRole("button", { name: "Parhau" }).click();
    await expect(page.getByTestId("time-limit")).toContainText("mae gennych chi 30 munud ar ôl i orffen gofyn am amnewid eich cyfrif");
    const times = await stepTimes(page);
    expect(times.extend).toBe(1800);
    const welsh = page.getByRole("dialog", { name: "Oes angen mwy o amser arnoch chi?" });
    await waitForWarning(page, welsh, times.left, times.warning);
    await expect(welsh).toContainText(/bydd y cam hwn yn dod i ben ymhen \d+ eiliad\./);
    await expect(welsh.getByRole("button", { name: "Mae angen mwy o amser arnaf" })).toBeFocused();
    await expectNoAxeViolations(page);
    const answer = page.waitForResponse((response) => response.url().endsWith("/replace-account/more-time"));
    await page.keyboard.press("Escape");
    expect((await answer).status()).toBe(200);
    await expect(welsh).toBeHidden();
  });
});

test.describe("journey steps, without JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, "the page without its script");

  test("the step's page says how long is left, and offers no dialog", async ({ page, browser }, testInfo) => {
    await matchPinDocument(page, testInfo);
    await expect(page.getByTestId("time-limit")).toHaveText(
      "For your security, you have 10 minutes to create a new passphrase. After that, you will need to enter your PIN document details again.",
    );
    await expect(stepDialog(page)).toBeHidden();
    await expect(page.getByRole("button", { name: "I need more time" })).toHaveCount(0);
    await checkAccessibility(page, browser, testInfo);
  });
});
