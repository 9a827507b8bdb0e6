import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { jsEnabled, test, totpCode, DEMO_TOTP_SECRET } from "./support";

// Journeys made with the keyboard alone, as people who cannot use a mouse make them: no
// clicks, only Tab, Shift+Tab, Enter, Space, the arrow keys and typing. Every stop on the way
// must show where focus is (nhsuk-frontend's yellow focus style: a box-shadow or an outline),
// and stops must come in reading order (down the page, or along one row).
test.describe.configure({ timeout: 120_000 });

type Stop = { description: string; top: number; left: number; visible: boolean };

/** Where focus is now, and whether the user can see it. */
async function focusStop(page: Page): Promise<Stop> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && !style.outlineColor.endsWith(", 0)");
    const shadow = style.boxShadow !== "none";
    // A focused radio or checkbox shows its focus on the drawn box beside it (::before).
    const before = getComputedStyle(element, "::before").boxShadow !== "none";
    const label = element.getAttribute("aria-label") ?? element.textContent?.trim().slice(0, 40) ?? "";
    return {
      description: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} "${label}"`,
      top: box.top + window.scrollY,
      left: box.left + window.scrollX,
      visible: outline || shadow || before,
    };
  });
}

/**
 * Presses Tab until `target` has focus, checking every stop on the way: focus visible, and
 * each stop below the one before or to its right on the same row.
 */
async function tabTo(page: Page, target: Locator, limit = 40) {
  let previous: Stop | null = null;
  for (let press = 0; press < limit; press++) {
    await page.keyboard.press("Tab");
    const stop = await focusStop(page);
    expect(stop.visible, `focus is visible on ${stop.description}`).toBe(true);
    if (previous) {
      const sameRow = Math.abs(stop.top - previous.top) < 24;
      const inOrder = sameRow ? stop.left > previous.left : stop.top > previous.top;
      expect(inOrder, `${stop.description} comes after ${previous.description}`).toBe(true);
    }
    previous = stop;
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${limit} presses of Tab did not reach the target`);
}

/** Tabs to a field from the top of the page's main content and types into it. */
async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

/** Starts the next Tab from the top of the page. */
async function fromTheTop(page: Page) {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
}

test("a patient signs in, reads their account and signs out with the keyboard", async ({ page }) => {
  await page.goto("/");
  // The skip link comes first and goes to the main content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.goto("/sign-in");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Account ID"), "1000000005");
  await typeInto(page, page.getByLabel("ODS code"), "T00001");
  await typeInto(page, page.getByLabel("Passphrase", { exact: true }), "river otter lantern forty two");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await fromTheTop(page);
  await tabTo(page, page.getByRole("banner").getByRole("button", { name: "Sign out" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText("You have signed out.")).toBeVisible();
});

test("a patient answers the cannot sign in question with the arrow keys", async ({ page }) => {
  await page.goto("/cannot-sign-in");
  await fromTheTop(page);
  const first = page.getByLabel("I have forgotten my passphrase and I have my PIN document");
  await tabTo(page, first);
  // In a radio group the arrow keys choose; Tab leaves the group.
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("My PIN document has expired or has already been used")).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your PIN document has expired or been used");
});

test("a patient's mistakes are reached from the error summary with the keyboard", async ({ page }, testInfo) => {
  await page.goto("/reset-passphrase");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Account ID"), "1000000001");
  await typeInto(page, page.getByLabel("ODS code"), "A1234");
  await tabTo(page, page.getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Enter");
  const summary = page.locator(".nhsuk-error-summary");
  await expect(summary).toContainText("There is a problem");
  if (jsEnabled(testInfo)) {
    // nhsuk-frontend moves focus to the summary, so the next Tab is its first link.
    await expect(summary).toBeFocused();
  } else {
    await fromTheTop(page);
  }
  const link = summary.getByRole("link", { name: /ODS code must be/ });
  await tabTo(page, link);
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("ODS code")).toBeFocused();
  await expect(page.getByLabel("ODS code")).toHaveValue("A1234");
});

/** Signs a member in at `base` with the keyboard alone: username, password, the code. */
async function staffSignIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/staff/sign-in`);
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Username"), username);
  await typeInto(page, page.getByLabel("Password", { exact: true }), password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter your security code");
  // No code works twice: wait for a step of its own if another test just used this one.
  for (let round = 0; ; round++) {
    await fromTheTop(page);
    const field = page.getByLabel("Security code");
    await tabTo(page, field);
    await field.press("Control+A");
    await page.keyboard.type(totpCode(DEMO_TOTP_SECRET, Math.floor(Date.now() / 1000)));
    await page.keyboard.press("Enter");
    const signedIn = await page
      .waitForURL((url) => url.pathname === "/staff", { timeout: 3_000 })
      .then(() => true, () => false);
    if (signedIn) break;
    expect(round, "a security code was accepted").toBeLessThan(2);
    await page.waitForTimeout((30 - (Math.floor(Date.now() / 1000) % 30)) * 1000 + 500);
  }
}

test("staff sign in with their authenticator and find a patient with the keyboard", async ({ page, baseURL }) => {
  await staffSignIn(page, baseURL!, "staff.hillview", "hillview-demo-password");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
  await fromTheTop(page);
  await tabTo(page, page.getByRole("link", { name: "Find a patient" }).first());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a patient");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("NHS number"), "999 000 0042");
  await page.keyboard.press("Enter");
  await page.waitForURL(/nhs_number=/);
  await fromTheTop(page);
  await tabTo(page, page.getByRole("link", { name: "Chris Evans" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Chris Evans");
});

// The journeys below use up a demo PIN document or a replacement: they run against the fresh
// servers playwright.config.ts starts for this spec (one per project).
const basePort = Number(process.env.RELINK_E2E_BASE_PORT ?? "3100");
const keyboardServer = (testInfo: TestInfo) => `http://127.0.0.1:${basePort + (jsEnabled(testInfo) ? 8 : 9)}`;

/** Chooses the radio labelled `label` with the arrow keys, starting from the group's first. */
async function chooseRadio(page: Page, first: Locator, label: string) {
  await tabTo(page, first);
  for (let press = 0; press < 10; press++) {
    if (await page.getByLabel(label, { exact: true }).isChecked()) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`the arrow keys did not reach ${label}`);
}

test("a patient resets their passphrase with the keyboard", async ({ page }, testInfo) => {
  await page.goto(`${keyboardServer(testInfo)}/`);
  await fromTheTop(page);
  // A link that looks like a button (nhsuk's button as a link, so role "button").
  await tabTo(page, page.getByRole("button", { name: "Reset your passphrase" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your passphrase");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Account ID"), "1000000001");
  await typeInto(page, page.getByLabel("ODS code"), "T00001");
  await typeInto(page, page.getByLabel("Passphrase from your PIN document"), "demo-pin-1");
  await typeInto(page, page.getByLabel("Day"), "1");
  await typeInto(page, page.getByLabel("Month"), "2");
  await typeInto(page, page.getByLabel("Year"), "1980");
  await tabTo(page, page.getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create a new passphrase");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("New passphrase", { exact: true }), "carpet orbit lemon harbour");
  await typeInto(page, page.getByLabel("Confirm new passphrase"), "carpet orbit lemon harbour");
  await tabTo(page, page.getByRole("button", { name: "Reset passphrase" }));
  await page.keyboard.press("Enter");
  await expect(page.locator(".nhsuk-panel__heading")).toHaveText("Passphrase reset");
  // The new passphrase signs in, still without a mouse.
  await page.goto(`${keyboardServer(testInfo)}/sign-in`);
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Account ID"), "1000000001");
  await typeInto(page, page.getByLabel("ODS code"), "T00001");
  await typeInto(page, page.getByLabel("Passphrase", { exact: true }), "carpet orbit lemon harbour");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
});

test("a patient who lost their email asks to replace their account with the keyboard", async ({ page, context }, testInfo) => {
  const server = keyboardServer(testInfo);
  await page.goto(`${server}/cannot-sign-in`);
  await fromTheTop(page);
  await chooseRadio(
    page,
    page.getByLabel("I have forgotten my passphrase and I have my PIN document"),
    "I cannot access the email address linked to my account and cannot remember my password",
  );
  await tabTo(page, page.getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/replace-account$/);
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("NHS number"), "999 000 0069");
  await typeInto(page, page.getByLabel("Day"), "6");
  await typeInto(page, page.getByLabel("Month"), "7");
  await typeInto(page, page.getByLabel("Year"), "1972");
  await typeInto(page, page.getByLabel("Postcode"), "RV6 7LM");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter a new email address");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Email address"), "dana.keyboard@example.org");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");

  // The test reads the code from the demo mailbox, as the patient would read their email.
  const mailbox = await context.newPage();
  let code = "";
  await expect(async () => {
    await mailbox.goto(`${server}/demo/mailbox`);
    code = /Your security code is (\d{6})/.exec((await mailbox.locator("main").textContent()) ?? "")?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
  }).toPass({ timeout: 10_000 });
  await mailbox.close();

  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Security code"), code);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your answers before asking to replace your account");
  await fromTheTop(page);
  await tabTo(page, page.getByRole("button", { name: "Request replacement" }), 60);
  await page.keyboard.press("Enter");
  await expect(page.locator(".nhsuk-panel__heading")).toHaveText("We have your request to replace your account");
});

test("staff reissue a PIN document after checking identity, with the keyboard", async ({ page }, testInfo) => {
  await staffSignIn(page, keyboardServer(testInfo), "staff.riverside", "riverside-demo-password");
  await fromTheTop(page);
  await tabTo(page, page.getByRole("link", { name: "Find a patient" }).first());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find a patient");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("NHS number"), "999 000 0018");
  await page.keyboard.press("Enter");
  await page.waitForURL(/nhs_number=/);
  await fromTheTop(page);
  await tabTo(page, page.getByRole("link", { name: "Sam Patel" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sam Patel");
  await fromTheTop(page);
  await tabTo(page, page.getByRole("button", { name: "Issue new passphrase" }), 60);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Create PIN document" })).toBeVisible();
  // The identity question: Tab into the group, Space chooses the first answer, the arrows the
  // one asked for.
  await fromTheTop(page);
  const answers = page.getByRole("radio");
  await tabTo(page, answers.first());
  await page.keyboard.press("Space");
  for (let press = 0; press < 10 && !(await page.getByLabel(/Proof of address/).isChecked()); press++) {
    await page.keyboard.press("ArrowDown");
  }
  await expect(page.getByLabel(/Proof of address/)).toBeChecked();
  await tabTo(page, page.getByRole("button", { name: "Create PIN document" }));
  await page.keyboard.press("Enter");
  await expect(page.locator(".relink-pin-document")).toContainText("1000000001");
});
