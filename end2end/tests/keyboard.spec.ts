import { expect, type Locator, type Page } from "@playwright/test";
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

test("staff sign in with their authenticator and find a patient with the keyboard", async ({ page }) => {
  await page.goto("/staff/sign-in");
  await fromTheTop(page);
  await typeInto(page, page.getByLabel("Username"), "staff.hillview");
  await typeInto(page, page.getByLabel("Password", { exact: true }), "hillview-demo-password");
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
