import { expect, type Page } from "@playwright/test";
import { checkAccessibility, jsEnabled, test, waitForHydration } from "./support";

// Patients mostly use phones.
test.use({ viewport: { width: 390, height: 844 } });
// One server per project: these tests share its demo PIN documents and throttles, in order.
test.describe.configure({ mode: "serial" });

async function enterDetails(page: Page, details: { account: string; ods: string; pin: string; dob: [string, string, string] }) {
  await page.getByLabel("Account ID").fill(details.account);
  await page.getByLabel("ODS code").fill(details.ods);
  await page.getByLabel("Passphrase from your PIN document").fill(details.pin);
  await page.getByLabel("Day").fill(details.dob[0]);
  await page.getByLabel("Month").fill(details.dob[1]);
  await page.getByLabel("Year").fill(details.dob[2]);
  await page.getByRole("button", { name: "Continue" }).click();
}

const summary = (page: Page) => page.locator(".nhsuk-error-summary");

test("missing and malformed details are explained by each field, values kept", async ({ page, browser }, testInfo) => {
  await page.goto("/reset-passphrase");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(summary(page)).toContainText("There is a problem");
  for (const message of ["Enter your Account ID", "Enter your ODS code", "Enter the passphrase from your PIN document", "Enter your date of birth"]) {
    await expect(summary(page).getByRole("link", { name: message })).toBeVisible();
  }
  await expect(page).toHaveTitle(/^Error: Reset your passphrase/);
  await checkAccessibility(page, browser, testInfo);

  await enterDetails(page, { account: "1000000001", ods: "A1234", pin: "demo-pin-1", dob: ["31", "2", "1980"] });
  await expect(summary(page).getByRole("link", { name: "ODS code must be a letter followed by 5 numbers, like A12345" })).toBeVisible();
  await expect(summary(page).getByRole("link", { name: "Date of birth must be a real date" })).toBeVisible();
  await expect(page.getByLabel("Account ID")).toHaveValue("1000000001");
  await expect(page.getByLabel("Passphrase from your PIN document")).toHaveValue("");
  // The summary link takes the patient to the field.
  await summary(page).getByRole("link", { name: /ODS code must be/ }).click();
  await expect(page.getByLabel("ODS code")).toBeFocused();
  await checkAccessibility(page, browser, testInfo);
});

test("a mismatch gets the generic message", async ({ page, browser }, testInfo) => {
  await page.goto("/reset-passphrase");
  await waitForHydration(page, testInfo);
  await enterDetails(page, { account: "1000000001", ods: "T00001", pin: "wrong-pin", dob: ["1", "2", "1980"] });
  await expect(summary(page)).toContainText("The details you entered do not match our records");
  await checkAccessibility(page, browser, testInfo);
});

test("expired, used and EMIS documents each say what to do next", async ({ page, browser }, testInfo) => {
  const cases = [
    { account: "1000000002", ods: "T00001", pin: "demo-pin-2", dob: ["2", "3", "1975"] as [string, string, string], heading: "Your PIN document has expired", text: /expired on \d+ \w+ \d{4}/ },
    { account: "1000000003", ods: "T00001", pin: "demo-pin-3", dob: ["3", "4", "1990"] as [string, string, string], heading: "Your PIN document has already been used", text: /ask Riverside Surgery for a new PIN document/ },
    { account: "2000000001", ods: "E00001", pin: "demo-pin-4", dob: ["4", "5", "1985"] as [string, string, string], heading: "Your GP practice resets your details", text: /reset your linkage key/ },
  ];
  for (const c of cases) {
    await page.goto("/reset-passphrase");
    await waitForHydration(page, testInfo);
    await enterDetails(page, c);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(c.heading);
    await expect(page.getByRole("main")).toContainText(c.text);
    await checkAccessibility(page, browser, testInfo);
  }
});

test("five wrong attempts lock the Account ID and ODS code for 15 minutes", async ({ page }, testInfo) => {
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.goto("/reset-passphrase");
    await waitForHydration(page, testInfo);
    await enterDetails(page, { account: "1777777777", ods: "T00001", pin: "wrong-pin", dob: ["1", "1", "1970"] });
  }
  await expect(summary(page)).toContainText("You have entered incorrect details too many times. Try again in 15 minutes.");
});

test("a patient resets their passphrase with their PIN document", async ({ page, browser }, testInfo) => {
  await page.goto("/reset-passphrase");
  await waitForHydration(page, testInfo);
  await enterDetails(page, { account: "1000000001", ods: "t00001", pin: "demo-pin-1", dob: ["1", "2", "1980"] });

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create a new passphrase");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  const newPassphrase = page.getByLabel("New passphrase", { exact: true });
  const confirm = page.getByLabel("Confirm new passphrase");

  if (jsEnabled(testInfo)) {
    // nhsuk-frontend's show/hide button works once scripts run.
    await newPassphrase.fill("sam patel forever");
    await page.getByRole("button", { name: "Show passphrase" }).first().click();
    await expect(newPassphrase).toHaveAttribute("type", "text");
    await expect(page.getByRole("button", { name: "Hide passphrase" }).first()).toBeVisible();
  }

  await newPassphrase.fill("sam patel forever");
  await confirm.fill("sam patel forever");
  await page.getByRole("button", { name: "Reset passphrase" }).click();
  await expect(summary(page)).toContainText("must not include your name");
  await expect(summary(page)).toContainText("3 or more random words");
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel("New passphrase", { exact: true }).fill("carpet orbit lemon harbour");
  await page.getByLabel("Confirm new passphrase").fill("carpet orbit lemon harbor");
  await page.getByRole("button", { name: "Reset passphrase" }).click();
  await expect(summary(page)).toContainText("Passphrases do not match");

  await page.getByLabel("New passphrase", { exact: true }).fill("carpet orbit lemon harbour");
  await page.getByLabel("Confirm new passphrase").fill("carpet orbit lemon harbour");
  await page.getByRole("button", { name: "Reset passphrase" }).click();
  await expect(page.locator(".nhsuk-panel")).toContainText("Passphrase reset");
  await expect(page).toHaveURL(/\/reset-passphrase\/done$/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // The PIN document cannot be used again.
  await page.goto("/reset-passphrase");
  await enterDetails(page, { account: "1000000001", ods: "T00001", pin: "demo-pin-1", dob: ["1", "2", "1980"] });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your PIN document has already been used");
});
