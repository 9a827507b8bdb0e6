import { expect, type Page } from "@playwright/test";
import { VIEWPORTS, checkAccessibility, test, waitForHydration } from "./support";

async function signIn(page: Page, passphrase: string) {
  await page.getByLabel("Account ID").fill("1000000005");
  await page.getByLabel("ODS code").fill("T00001");
  await page.getByLabel("Passphrase", { exact: true }).fill(passphrase);
  await page.getByRole("button", { name: "Sign in" }).click();
}

for (const viewport of VIEWPORTS) {
  test(`a patient signs in, sees their account and signs out (${viewport.name})`, async ({ page, browser }, testInfo) => {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.goto("/sign-in");
    await waitForHydration(page, testInfo);
    await checkAccessibility(page, browser, testInfo);

    await signIn(page, "not my passphrase");
    await expect(page.locator(".nhsuk-error-summary")).toContainText("The details you entered do not match our records");
    await checkAccessibility(page, browser, testInfo);

    await signIn(page, "river otter lantern forty two");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
    await waitForHydration(page, testInfo);
    const main = page.getByRole("main");
    await expect(main).toContainText("Riverside Surgery");
    await expect(main).toContainText("You can see your record from the date you joined the practice.");
    // The surname on the NHS Spine differs from the GP record, and the page says so.
    await expect(main).toContainText("Robin Taylor-Reid");
    await expect(main).toContainText("Does not match");
    await expect(main).toContainText("your GP record has: Robin Taylor");
    await expect(main).toContainText("Signed in");
    await checkAccessibility(page, browser, testInfo);

    await page.getByRole("link", { name: "This was not me" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("If you do not recognise activity on your account");
    await checkAccessibility(page, browser, testInfo);

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You have signed out.")).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL(/\/sign-in$/);
  });
}
