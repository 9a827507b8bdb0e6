import { expect, type Page } from "@playwright/test";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  checkAccessibility,
  enterSecurityCode,
  jsEnabled,
  test,
  totpCode,
  waitForHydration,
} from "./support";

// Staff use desktop browsers.
test.use({ viewport: { width: 1280, height: 800 } });
// One server per project: these tests share its demo data, in order.
// Whole journeys with axe on every page take longer than the default 30 seconds.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const summary = (page: Page) => page.locator(".nhsuk-error-summary");

/** The password, then (when it was right) the demo authenticator's code. */
async function signIn(page: Page, username: string, password: string) {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState();
  if (new URL(page.url()).pathname === "/staff/sign-in/security-code") {
    await enterSecurityCode(page);
  }
}

test("staff sign in, set up a test patient and preview what they see", async ({ page, browser }, testInfo) => {
  await page.goto("/staff/sign-in");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await signIn(page, "staff.riverside", "wrong password");
  await expect(summary(page).getByRole("link", { name: "The username or password is not correct" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);

  await signIn(page, "staff.riverside", "riverside-demo-password");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("link", { name: "Test patients" }).first().click();
  await page.getByRole("button", { name: "Set up a test patient" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Set up a test patient");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // The date set in the clinical system is asked under its answer (nhsuk's conditional reveal):
  // with JavaScript, only while that answer is chosen; without it, always.
  const practiceSet = page.getByLabel("A date set in the clinical system", { exact: true });
  const setDate = page.getByRole("group", { name: "Date set in the clinical system", exact: true });
  if (jsEnabled(testInfo)) {
    await expect(setDate).toBeHidden();
    await expect(practiceSet).toHaveAttribute("aria-controls", "conditional-rule");
    await practiceSet.check();
    await expect(setDate).toBeVisible();
    await checkAccessibility(page, browser, testInfo);
    await page.getByLabel("The date they asked for online access", { exact: true }).check();
    await expect(setDate).toBeHidden();
  } else {
    await expect(setDate).toBeVisible();
  }

  await page.getByLabel("First name").fill("Tess");
  await page.getByLabel("Last name").fill("Test");
  await page.getByLabel("Day").first().fill("1");
  await page.getByLabel("Month").first().fill("2");
  await page.getByLabel("Year").first().fill("1990");
  await page.getByLabel("NHS number").fill("999 123 4560");
  await page.getByRole("button", { name: "Set up test patient" }).click();
  await expect(summary(page)).toContainText("fails the Modulus 11 check");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("NHS number").fill("999 000 0085");
  await page.getByLabel("Full record").check();
  // The date's answer, without the date: the problem is shown where the date is asked.
  await practiceSet.check();
  await page.getByRole("button", { name: "Set up test patient" }).click();
  await expect(summary(page).getByRole("link", { name: "Enter the date set in the clinical system" })).toBeVisible();
  await expect(setDate).toBeVisible();
  await expect(setDate).toContainText("Enter the date set in the clinical system");
  await expect(practiceSet).toBeChecked();
  await checkAccessibility(page, browser, testInfo);
  await setDate.getByLabel("Day").fill("1");
  await setDate.getByLabel("Month").fill("4");
  await setDate.getByLabel("Year").fill("2024");
  await page.getByRole("button", { name: "Set up test patient" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Tess Test");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Test patient");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("button", { name: "Preview what this patient sees" }).click();
  await page.getByRole("button", { name: "Start preview" }).click();
  await expect(summary(page).getByRole("link", { name: "Enter why you are previewing this patient" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Reason").fill("Checking what full record access shows");
  await page.getByRole("button", { name: "Start preview" }).click();
  await expect(page.getByRole("region", { name: "Test patient preview" })).toContainText("Nothing here can be changed");
  await expect(page.getByText("Full record", { exact: true })).toBeVisible();
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "End preview" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Tess Test");
});

test("staff reissue a PIN document after an identity check and print it once", async ({ page, browser }, testInfo) => {
  await signIn(page, "staff.riverside", "riverside-demo-password");
  await page.getByRole("link", { name: "Find a patient" }).click();
  await page.getByLabel("NHS number").fill("999 000 0018");
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("link", { name: "Sam Patel" }).click();
  await page.getByRole("button", { name: "Issue new passphrase" }).click();
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Create PIN document" }).click();
  await expect(summary(page).getByRole("link", { name: "Select how you checked the patient's identity" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel(/Proof of address/).check();
  await page.getByRole("button", { name: "Create PIN document" }).click();

  const document = page.locator(".relink-pin-document");
  await expect(document).toContainText("Riverside Surgery");
  await expect(document).toContainText("1000000001");
  const secret = ((await page.locator(".relink-pin-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // The print button is an island: it needs JavaScript, so without it the page says to use the
  // browser's print option. With it, the button opens the print dialog.
  const printButton = page.getByRole("button", { name: "Print PIN document" });
  if (jsEnabled(testInfo)) {
    await expect(printButton).toBeVisible();
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    await printButton.click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  } else {
    await expect(printButton).toBeHidden();
  }
  await expect(page.getByText("Print it with your browser's print option (Ctrl + P).")).toBeVisible();

  // On paper: only the document, on one A4 page.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".nhsuk-header")).toBeHidden();
  await expect(page.locator(".relink-no-print")).toBeHidden();
  await expect(document).toBeVisible();
  await expect(page.locator(".relink-qr svg")).toBeVisible();
  await testInfo.attach("pin-document-print", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
  const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
  expect(pages.length).toBe(1);
  await page.emulateMedia({ media: "screen" });

  // Reloading never shows the secret again.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This PIN document has already been shown");
  await expect(page.getByText(secret)).toHaveCount(0);
  await checkAccessibility(page, browser, testInfo);
});

test("staff see what needs attention for their practice only", async ({ page, browser }, testInfo) => {
  await signIn(page, "staff.riverside", "riverside-demo-password");
  for (const [link, heading] of [
    ["Demographic mismatches", "Demographic mismatches"],
    ["Replacement requests", "Replacement requests"],
  ]) {
    await page.goto("/staff");
    await page.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await waitForHydration(page, testInfo);
    await checkAccessibility(page, browser, testInfo);
  }
  await page.goto("/staff/mismatches");
  await expect(page.getByRole("cell", { name: "Taylor-Reid" })).toBeVisible();
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Event", { exact: true }).selectOption("pin_document_issued");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("cell", { name: "PIN document issued" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "staff_signed_in" })).toHaveCount(0);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, "staff.hillview", "hillview-demo-password");
  await page.goto("/staff/mismatches");
  await expect(page.getByText("Taylor-Reid")).toHaveCount(0);
  await page.goto("/staff/test-patients");
  await expect(page.getByText("Tess Test")).toHaveCount(0);
});

test("staff check a patient against PDS (NHS England's sandbox) and are told what it found", async ({ page, browser }, testInfo) => {
  await signIn(page, "staff.riverside", "riverside-demo-password");
  await page.getByRole("link", { name: "Find a patient" }).click();
  await page.getByLabel("NHS number").fill("999 000 0026");
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("link", { name: "Alex" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "From the NHS Spine (PDS)" })).toBeVisible();
  await expect(page.getByText(/^Read from PDS on /)).toBeVisible();
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // The sandbox knows no 999 number: the page says so, keeps the values it had, and says
  // what to do. The button works from the keyboard.
  await page.getByRole("button", { name: "Check against PDS" }).focus();
  await page.keyboard.press("Enter");
  const warning = page.getByRole("alert");
  await expect(warning).toContainText("Not checked");
  await expect(warning).toContainText("PDS has no record with this NHS number. Check the NHS number in your clinical system.");
  await expect(page.getByText(/^Read from PDS on /)).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});

test("an administrator adds a practice and sees it listed, Welsh practices marked", async ({ page, browser }, testInfo) => {
  // Practice staff are not offered the page.
  await signIn(page, "staff.riverside", "riverside-demo-password");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
  await expect(page.getByRole("link", { name: "GP practices" })).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, "admin.demo", "admin-demo-password");
  await page.getByRole("link", { name: "GP practices" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("GP practices");
  await expect(page.getByRole("row", { name: /W00001/ })).toContainText("Welsh practice");
  await expect(page.getByRole("row", { name: /T00001/ })).not.toContainText("Welsh practice");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel("ODS code", { exact: true }).fill("W0002");
  await page.getByRole("button", { name: "Add practice" }).click();
  await expect(summary(page).getByRole("link", { name: "ODS code must be a letter followed by 5 numbers, like A12345" })).toBeVisible();
  await expect(summary(page).getByRole("link", { name: "Enter the practice's name" })).toBeVisible();
  await expect(summary(page).getByRole("link", { name: "Select the practice's clinical system" })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: GP practices/);
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // A code already in use is refused, naming it.
  await page.getByLabel("ODS code", { exact: true }).fill("t00001");
  await page.getByLabel("Practice name").fill("Somewhere Else");
  await page.getByLabel("EMIS Web (Optum)").check();
  await page.getByRole("button", { name: "Add practice" }).click();
  await expect(summary(page).getByRole("link", { name: "A practice with the ODS code T00001 already exists" })).toBeVisible();
  await expect(page.getByLabel("Practice name")).toHaveValue("Somewhere Else");
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel("ODS code", { exact: true }).fill("W00002");
  await page.getByLabel("Practice name").fill("Meddygfa Newydd");
  await page.getByLabel("TPP SystmOne").check();
  await page.getByRole("button", { name: "Add practice" }).click();
  await expect(page).toHaveURL(/\/staff\/practices\?added=W00002$/);
  await expect(page.getByText("Meddygfa Newydd (W00002) has been added.")).toBeVisible();
  await expect(page.getByText("It is a Welsh practice: its PIN documents print in Welsh and English.")).toBeVisible();
  const added = page.getByRole("row", { name: /W00002/ });
  await expect(added).toContainText("Meddygfa Newydd");
  await expect(added).toContainText("Welsh practice");
  await expect(added).toContainText("TPP SystmOne");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
});

test("staff import the sample file, then register a patient for online services and print their first PIN document", async ({ page, browser }, testInfo) => {
  const sample = join(__dirname, "../../public/assets/demo/sample-patients.csv");
  await signIn(page, "staff.riverside", "riverside-demo-password");
  await page.getByRole("link", { name: "Import patients" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Import patients");
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);

  // Nothing chosen: the error summary says what to do and links to the file input.
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(summary(page).getByRole("link", { name: "Select a file to import" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);

  // A dry run first: the report names the three deliberate mistakes by line.
  await page.getByLabel("File to import").setInputFiles(sample);
  await page.getByLabel("Check the file only: do not import anything").check();
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(page.getByRole("status")).toContainText("was checked. Nothing was imported.");
  const problems = page.getByRole("table", { name: "Rows not imported, and why" });
  for (const line of ["line 14", "line 29", "line 43"]) {
    await expect(problems).toContainText(line);
  }
  await checkAccessibility(page, browser, testInfo);

  await page.getByLabel("File to import").setInputFiles(sample);
  await page.getByLabel("Check the file only: do not import anything").uncheck();
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(page.getByRole("status")).toContainText("was imported.");

  // The first patient of the file has no online account yet: register them.
  await page.getByRole("link", { name: "Find a patient" }).click();
  await page.getByLabel("NHS number").fill("999 000 1006");
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("link", { name: "Aled Williams" }).click();
  await page.getByRole("button", { name: "Register for online services" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register for online services");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Register and create PIN document" }).click();
  await expect(summary(page).getByRole("link", { name: "Select how you checked the patient's identity" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel(/Photo ID/).check();
  await page.getByRole("button", { name: "Register and create PIN document" }).click();
  const document = page.locator(".relink-pin-document");
  await expect(document).toContainText("Riverside Surgery");
  await expect(page.locator(".relink-pin-secret")).toHaveText(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await checkAccessibility(page, browser, testInfo);

  // Registered: their record access changes only with a reason, which the audit log keeps.
  await page.goto("/staff/patients");
  await page.getByLabel("NHS number").fill("999 000 1006");
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("link", { name: "Aled Williams" }).click();
  await page.getByRole("button", { name: "Change record access or services" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Change record access or services");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Full record").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(summary(page).getByRole("link", { name: "Enter why you are making this change" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("Why are you making this change?").fill("The patient asked for their full record");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Aled Williams");

  // They leave the practice: online access ends with a reason; the patient page says so and
  // offers registering them again.
  await page.getByRole("button", { name: "End online access" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("End online access");
  await expect(page.getByText("Nothing is deleted")).toBeVisible();
  await waitForHydration(page, testInfo);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "End online access" }).click();
  await expect(summary(page).getByRole("link", { name: "Enter why you are ending online access" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  await summary(page).getByRole("link", { name: "Enter why you are ending online access" }).click();
  await expect(page.getByLabel("Why are you ending online access?")).toBeFocused();
  await page.getByLabel("Why are you ending online access?").fill("Registered with another GP practice");
  await page.getByRole("button", { name: "End online access" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Aled Williams");
  await expect(page.getByRole("definition").filter({ hasText: "the patient left the practice" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Register for online services" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});

test("a new starter chooses a password, sets up an authenticator app, then signs in with a code", async ({ page, browser }, testInfo) => {
  // As an administrator would add them: `relink staff add`, on this project's server database.
  const root = join(__dirname, "..", "..");
  const binary = process.env.RELINK_BIN ?? join(root, "target/debug/relink");
  const database = `sqlite://${join(process.env.RELINK_E2E_DATA!, `${testInfo.project.name}.db`)}`;
  const added = execFileSync(binary, ["staff", "add", "new.starter", "--practice", "T00001"], {
    env: { ...process.env, DATABASE_URL: database, RUST_LOG: "warn" },
  }).toString();
  const given = added.match(/Initial password \(shown once, give it to them privately\): (\S+)/)![1];

  await signIn(page, "new.starter", given);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose your own password");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Save password and continue" }).click();
  await expect(summary(page).getByRole("link", { name: "New password must be 12 characters or more" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  const own = "copper kettle sunrise meadow";
  await page.getByLabel("New password", { exact: true }).fill(own);
  await page.getByLabel("Confirm new password").fill(own);
  await page.getByRole("button", { name: "Save password and continue" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Set up an authenticator app");
  await expect(page.getByRole("img", { name: "QR code to set up your authenticator app" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
  const key = (await page.locator("code.relink-secret").innerText()).replace(/\s/g, "");
  await page.getByLabel("2. Enter the 6-digit code your app shows").fill("000000" === totpCode(key, Date.now() / 1000) ? "111111" : "000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(summary(page)).toContainText("The security code is not correct.");
  await checkAccessibility(page, browser, testInfo);
  await page.getByLabel("2. Enter the 6-digit code your app shows").fill(totpCode(key, Date.now() / 1000));
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your authenticator app is set up");
  const codes = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allInnerTexts();
  expect(codes).toHaveLength(10);
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "I have saved my recovery codes – continue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill("new.starter");
  await page.getByLabel("Password", { exact: true }).fill(own);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter your security code");
  await checkAccessibility(page, browser, testInfo);
  // A recovery code instead of the app's code.
  await page.getByLabel("Security code").fill(codes[0]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
});

test("the demo page shows the demo staff's current security code, and it signs in", async ({ page }) => {
  await page.goto("/demo");
  const code = await page.getByTestId("demo-staff-code").innerText();
  expect(code).toMatch(/^\d{6}$/);
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill("staff.glanyrafon");
  await page.getByLabel("Password", { exact: true }).fill("glanyrafon-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Security code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("What needs your attention");
});

test("an administrator disables a leaver and enables them again from the staff area", async ({ page, browser }, testInfo) => {
  await signIn(page, "admin.demo", "admin-demo-password");
  await page.getByRole("link", { name: "Staff members" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff members");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("link", { name: "staff.hillview" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("staff.hillview");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Disable account" }).click();
  await expect(page.getByRole("status")).toHaveText("Information: staff.hillview is disabled and has been signed out everywhere.");
  await checkAccessibility(page, browser, testInfo);
  await page.getByRole("button", { name: "Enable account" }).click();
  await expect(page.getByRole("status")).toHaveText("Information: staff.hillview can sign in again.");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("heading", { name: "New password to use once" })).toBeVisible();
  await checkAccessibility(page, browser, testInfo);
});
