import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import {
  PAGES_WITHOUT_JOURNEY_STATE,
  checkAccessibility,
  jsEnabled,
  test,
  waitForHydration,
} from "./support";

// The reset and replacement journeys in Welsh (issue #9), with JavaScript on and off (the
// projects), axe on every page. Patients of the demo's Welsh practice (W00001) walk them, so
// the English journeys' demo documents are left alone. Expected text is read from the Welsh
// locale files, so a page that fell back to English fails.
test.use({ viewport: { width: 390, height: 844 } });
test.describe.configure({ mode: "serial", timeout: 120_000 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Strings = any;
const welsh = (namespace: string): Strings =>
  JSON.parse(readFileSync(join(__dirname, "../../app/locales/cy", `${namespace}.json`), "utf8"));
const common = welsh("common");
const errors = welsh("errors");
const reset = welsh("reset");
const cannot = welsh("cannot");
const replace = welsh("replace");

const summary = (page: Page) => page.locator(".nhsuk-error-summary");
const exact = { exact: true };

async function expectWelshPage(page: Page, heading: string) {
  await expect(page.locator("html")).toHaveAttribute("lang", "cy");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  // The way back to English is there, marked as English for screen readers.
  await expect(page.getByRole("link", { name: "English" })).toHaveAttribute("lang", "en-GB");
}

async function enterDateOfBirth(page: Page, [day, month, year]: [string, string, string]) {
  await page.getByLabel(common.day, exact).fill(day);
  await page.getByLabel(common.month, exact).fill(month);
  await page.getByLabel(common.year, exact).fill(year);
}

test("a patient chooses Cymraeg and resets their passphrase in Welsh", async ({ page, browser }, testInfo) => {
  await page.goto("/reset-passphrase");
  await waitForHydration(page, testInfo);
  await expect(page.locator("html")).toHaveAttribute("lang", "en-GB");
  // The header's language link: a plain link, so the same with JavaScript off.
  await page.getByRole("link", { name: "Cymraeg" }).click();
  await expect(page).toHaveURL(/\/reset-passphrase$/);
  await expectWelshPage(page, reset.form.heading);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("button", { name: reset.form.continue_button }).click();
  await expect(summary(page)).toContainText(common.problem_heading);
  for (const message of [errors.account_id.empty, errors.ods_code.empty, errors.pin_passphrase.empty, errors.date_of_birth.empty]) {
    await expect(summary(page).getByRole("link", { name: message })).toBeVisible();
  }
  await expect(page).toHaveTitle(new RegExp(`^${common.error_prefix} ${reset.form.heading}`));
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel(reset.form.account_id_label, exact).fill("3000000001");
  await page.getByLabel(reset.form.ods_code_label, exact).fill("w00001");
  await page.getByLabel(reset.form.pin_passphrase_label, exact).fill("demo-pin-8");
  await enterDateOfBirth(page, ["8", "9", "1988"]);
  await page.getByRole("button", { name: reset.form.continue_button }).click();

  await expectWelshPage(page, reset.new_passphrase.heading);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  const newPassphrase = page.getByLabel(reset.new_passphrase.new_label, exact);
  const confirm = page.getByLabel(reset.new_passphrase.confirm_label, exact);
  if (jsEnabled(testInfo)) {
    // nhsuk-frontend's show/hide button speaks Welsh too.
    await newPassphrase.fill("cerys davies am byth");
    await page.getByRole("button", { name: common.show_passphrase }).first().click();
    await expect(newPassphrase).toHaveAttribute("type", "text");
    await expect(page.getByRole("button", { name: common.hide_passphrase }).first()).toBeVisible();
  }
  await newPassphrase.fill("cerys davies am byth");
  await confirm.fill("cerys davies am byth");
  await page.getByRole("button", { name: reset.new_passphrase.submit }).click();
  await expect(summary(page)).toContainText(errors.passphrase.personal_details);
  await expect(summary(page)).toContainText(errors.passphrase.suggestion);
  await checkAccessibility(page, browser, testInfo);

  await newPassphrase.fill("carped orbit lemwn harbwr");
  await confirm.fill("carped orbit lemwn harbwr");
  await page.getByRole("button", { name: reset.new_passphrase.submit }).click();
  await expect(page).toHaveURL(/\/reset-passphrase\/done$/);
  await expect(page.locator(".nhsuk-panel")).toContainText(reset.done.heading);
  await expect(page.locator("html")).toHaveAttribute("lang", "cy");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // The choice is remembered, and the link goes back to English.
  await page.goto("/reset-passphrase");
  await expectWelshPage(page, reset.form.heading);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en-GB");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your passphrase");
});

test("a patient replaces their account in Welsh and gets the code email in Welsh", async ({ page, browser, context, baseURL }, testInfo) => {
  await context.addCookies([{ name: "relink-lang", value: "cy", url: baseURL! }]);
  await page.goto("/cannot-sign-in");
  await waitForHydration(page, testInfo);
  await expect(page.locator("html")).toHaveAttribute("lang", "cy");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: cannot.continue_button }).click();
  await expect(summary(page).getByRole("link", { name: cannot.question.select_problem })).toBeVisible();
  await page.getByLabel(cannot.question.lost_email).check();
  await page.getByRole("button", { name: cannot.continue_button }).click();

  await expect(page).toHaveURL(/\/replace-account$/);
  await expectWelshPage(page, replace.identity.heading);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  const nhsNumber = page.getByLabel(replace.identity.nhs_number_label, exact);
  const postcode = page.getByLabel(replace.identity.postcode_label, exact);
  await nhsNumber.fill("999 000 0328");
  await enterDateOfBirth(page, ["9", "10", "1979"]);
  await postcode.fill("LL55");
  await page.getByRole("button", { name: replace.continue_button }).click();
  await expect(summary(page).getByRole("link", { name: errors.postcode.wrong_format })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await postcode.fill("ll55 2cd");
  await page.getByRole("button", { name: replace.continue_button }).click();

  await expectWelshPage(page, replace.email.heading);
  await checkAccessibility(page, browser, testInfo);
  const address = `gethin.${testInfo.project.name}@example.org`;
  await page.getByLabel(replace.email.label, exact).fill(address);
  await page.getByRole("button", { name: replace.email.send }).click();
  await expectWelshPage(page, replace.code.heading);
  await checkAccessibility(page, browser, testInfo);

  // The code email was written in Welsh, the language the patient used.
  const mailbox = await context.newPage();
  let code = "";
  await expect(async () => {
    await mailbox.goto("/demo/mailbox");
    const card = mailbox.locator(".nhsuk-card", { hasText: address }).first();
    const text = (await card.textContent()) ?? "";
    expect(text).toContain(welsh("emails").security_code.subject);
    code = /Eich cod diogelwch yw (\d{6})/.exec(text)?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
  }).toPass({ timeout: 10_000 });
  await checkAccessibility(mailbox, browser, testInfo);
  await mailbox.close();

  const securityCode = page.getByLabel(replace.code.label, exact);
  await securityCode.fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: replace.continue_button }).click();
  // Four tries left: 4 takes Welsh's "other" plural form.
  await expect(summary(page)).toContainText(replace.code.more_tries_other.replace("{{ count }}", "4"));
  await checkAccessibility(page, browser, testInfo);
  await securityCode.fill(code);
  await page.getByRole("button", { name: replace.continue_button }).click();

  await expectWelshPage(page, replace.check.heading);
  await expect(page.locator(".nhsuk-summary-list")).toContainText(address);
  // Nothing of the old account: neither its Account ID nor the practice.
  await expect(page.locator("main")).not.toContainText("3000000002");
  await expect(page.locator("main")).not.toContainText("Meddygfa Glan yr Afon");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: replace.check.request }).click();

  await expect(page.locator(".nhsuk-panel__heading")).toHaveText(replace.done.heading);
  const reference = ((await page.locator(".nhsuk-panel__body strong").textContent()) ?? "").trim();
  expect(reference).toMatch(/^RPL-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("link", { name: replace.done.status_link }).click();
  await expectWelshPage(page, replace.status.heading);
  await waitForHydration(page, testInfo);
  await page.getByLabel(replace.status.reference_label, exact).fill(reference);
  await enterDateOfBirth(page, ["9", "10", "1979"]);
  await page.getByRole("button", { name: replace.status.button }).click();
  await expectWelshPage(page, replace.status.found_heading);
  await expect(page.getByText(replace.status.in_progress)).toBeVisible();
  await checkAccessibility(page, browser, testInfo);

  // The second phase, in Welsh: the activation form, and its answer to a wrong passphrase.
  await page.getByRole("button", { name: replace.status.activate_link }).click();
  await expectWelshPage(page, replace.activate.heading);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel(replace.status.reference_label, exact).fill(reference);
  await page.getByLabel(replace.activate.pin_label, exact).fill("not-the-pin");
  await page.getByRole("button", { name: replace.continue_button }).click();
  await expect(summary(page)).toContainText(replace.problem.no_match);
  await checkAccessibility(page, browser, testInfo);
});

// axe on every page that needs no journey state, in Welsh: language attributes included.
for (const path of PAGES_WITHOUT_JOURNEY_STATE) {
  test(`axe finds no WCAG 2.2 AA violations on ${path} in Welsh`, async ({ page, browser, context, baseURL }, testInfo) => {
    await context.addCookies([{ name: "relink-lang", value: "cy", url: baseURL! }]);
    await page.goto(path);
    await expect(page.locator("html")).toHaveAttribute("lang", "cy");
    await waitForHydration(page, testInfo);
    await checkAccessibility(page, browser, testInfo);
  });
}
