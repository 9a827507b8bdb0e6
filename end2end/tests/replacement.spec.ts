import { expect, type Page } from "@playwright/test";
import { checkAccessibility, test, waitForHydration } from "./support";

// Patients mostly use phones.
test.use({ viewport: { width: 390, height: 844 } });
// One server per project: the demo patient can be replaced once, so these run in order.
// Whole journeys with axe on every page take longer than the default 30 seconds.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const summary = (page: Page) => page.locator(".nhsuk-error-summary");
const LOST_EMAIL = "I cannot access the email address linked to my account and cannot remember my password";

async function enterIdentity(page: Page, nhs: string, dob: [string, string, string], postcode: string) {
  await page.getByLabel("NHS number").fill(nhs);
  await page.getByLabel("Day").fill(dob[0]);
  await page.getByLabel("Month").fill(dob[1]);
  await page.getByLabel("Year").fill(dob[2]);
  await page.getByLabel("Postcode").fill(postcode);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("cannot sign in asks one question and every answer leads somewhere", async ({ page, browser }, testInfo) => {
  await page.goto("/cannot-sign-in");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(summary(page).getByRole("link", { name: "Select the problem you have signing in" })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: I cannot sign in/);
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel("I want to delete my account").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You cannot delete your account, but you can replace it");
  await checkAccessibility(page, browser, testInfo);
  await expect(page.getByRole("button", { name: /delete/i })).toHaveCount(0);
  await page.getByRole("button", { name: "Replace your account" }).click();
  await expect(page).toHaveURL(/\/replace-account$/);

  await page.goto("/cannot-sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel("My PIN document has expired or has already been used").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("within 14 days of the date printed on it")).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});

test("a patient who used their account recently is told to change their email instead", async ({ page, browser }, testInfo) => {
  await page.goto("/replace-account");
  await waitForHydration(page, testInfo);
  await enterIdentity(page, "999 000 0077", ["7", "8", "1995"], "RV7 8NP");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You can still sign in to your account");
  await expect(page.getByText("Sign in and change your email address instead.")).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});

test("a patient replaces their account, reading the code from the demo mailbox", async ({ page, browser, context }, testInfo) => {
  await page.goto("/cannot-sign-in");
  await waitForHydration(page, testInfo);
  await page.getByLabel(LOST_EMAIL).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/replace-account$/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // Mistakes first: each is explained by its field.
  await enterIdentity(page, "999 000 0068", ["6", "7", "1972"], "RV6");
  await expect(summary(page)).toContainText("There is a problem");
  await expect(summary(page).getByRole("link", { name: "Enter a real postcode, like LS1 4AP" })).toBeVisible();
  await expect(page.getByLabel("NHS number")).toHaveValue("999 000 0068");
  await checkAccessibility(page, browser, testInfo);

  await enterIdentity(page, "999 000 0069", ["6", "7", "1972"], "rv6 7lm");
  await expect(page).toHaveURL(/\/replace-account\/email$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter a new email address");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Email address").fill("dana.new@example.org");
  await page.getByRole("button", { name: "Send security code" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your email");
  await checkAccessibility(page, browser, testInfo);

  // The code arrives in the demo mailbox.
  const mailbox = await context.newPage();
  let code = "";
  await expect(async () => {
    await mailbox.goto("/demo/mailbox");
    const text = (await mailbox.locator("main").textContent()) ?? "";
    code = /Your security code is (\d{6})/.exec(text)?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
  }).toPass({ timeout: 10_000 });
  await checkAccessibility(mailbox, browser, testInfo);
  await mailbox.close();

  await page.getByLabel("Security code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(summary(page)).toContainText("You have 4 more tries");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Security code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your answers before asking to replace your account");
  await expect(page.locator(".nhsuk-summary-list")).toContainText("dana.new@example.org");
  // Nothing of the old account: its Account ID and practice are not the journey's to show.
  await expect(page.locator("main")).not.toContainText("1000000006");
  await expect(page.locator("main")).not.toContainText("Riverside Surgery");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Request replacement" }).click();

  await expect(page.locator(".nhsuk-panel__heading")).toHaveText("We have your request to replace your account");
  const reference = ((await page.locator(".nhsuk-panel__body strong").textContent()) ?? "").trim();
  expect(reference).toMatch(/^RPL-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("link", { name: "check the progress of your replacement" }).click();
  await waitForHydration(page, testInfo);
  await page.getByLabel("Reference number").fill(reference.toLowerCase());
  await page.getByLabel("Day").fill("6");
  await page.getByLabel("Month").fill("7");
  await page.getByLabel("Year").fill("1972");
  await page.getByRole("button", { name: "Check progress" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Progress of your replacement");
  await expect(page.getByText("In progress")).toBeVisible();
  await checkAccessibility(page, browser, testInfo);

  // The old address was told, with a link to cancel: its page asks before it changes anything.
  const notice = await context.newPage();
  let cancelLink = "";
  await expect(async () => {
    await notice.goto("/demo/mailbox");
    const text = (await notice.locator("main").textContent()) ?? "";
    cancelLink = /\/replace-account\/cancel\?token=[A-Za-z0-9_-]+/.exec(text)?.[0] ?? "";
    expect(cancelLink).not.toBe("");
  }).toPass({ timeout: 10_000 });
  await notice.goto(cancelLink);
  await expect(notice.getByRole("heading", { level: 1 })).toHaveText("Cancel this replacement request");
  await expect(notice.getByText(reference)).toBeVisible();
  await checkAccessibility(notice, browser, testInfo);
  await notice.close();

  // The second phase: the reference and the PIN document's passphrase, then a new passphrase.
  await page.getByRole("button", { name: "Activate your new account" }).click();
  await expect(page).toHaveURL(/\/replace-account\/activate$/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Reference number").fill(reference);
  await page.getByLabel("One-time passphrase").fill("not-the-pin");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(summary(page)).toContainText("The details you entered do not match our records");
  await expect(page.getByLabel("One-time passphrase")).toHaveValue("");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("One-time passphrase").fill("demo-pin-6");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create a new passphrase");
  await page.getByLabel("New passphrase", { exact: true }).fill("harbour violet engine seventy");
  await page.getByLabel("Confirm new passphrase").fill("harbour violet engine seventy");
  await page.getByRole("button", { name: "Reset passphrase" }).click();
  await expect(page.locator(".nhsuk-panel__heading")).toHaveText("Your new account is active");
  await checkAccessibility(page, browser, testInfo);

  // Nothing can be done twice: the identity check now says the account was replaced.
  await page.goto("/replace-account");
  await waitForHydration(page, testInfo);
  await enterIdentity(page, "9990000069", ["6", "7", "1972"], "RV6 7LM");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account has already been replaced");
  await checkAccessibility(page, browser, testInfo);
});
