import { expect, type Page } from "@playwright/test";
import { PAGES_WITHOUT_JOURNEY_STATE, enterSecurityCode, test } from "./support";

// Reflow and zoom (WCAG 1.4.10 Reflow, 1.4.4 Resize text): every page at 320 CSS px wide (a
// 1280 px window at 400% zoom) and at 640 (200%) scrolls only up and down, and clips no text;
// on a phone the language link sits beside the logo, not under it. English and Welsh (Welsh
// words are longer), JavaScript on and off.
test.describe.configure({ timeout: 180_000 });

const WIDTHS = [
  { zoom: "400%", width: 320, height: 256 },
  { zoom: "200%", width: 640, height: 400 },
] as const;

/** What overflows the page sideways: the page itself, or a visible element that holds text. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
    }
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}.${[...element.classList].join(".")} "${(element.textContent ?? "").trim().slice(0, 40)}"`;
    // Inside a visually hidden box (1 px, clipped on purpose for screen readers, like a
    // responsive table's header row on a phone), text is not meant to be seen.
    const visuallyHidden = (element: Element) => {
      for (let box: Element | null = element; box; box = box.parentElement) {
        const rect = box.getBoundingClientRect();
        if (rect.width <= 1 || rect.height <= 1) return true;
      }
      return false;
    };
    for (const element of document.body.querySelectorAll("*")) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.display === "none" || style.visibility === "hidden" || box.width === 0) continue;
      // A data table may keep its columns and scroll inside its own frame (WCAG 1.4.10's
      // exception for two-dimensional content): the frame itself must fit, and is checked.
      if (element.closest(".relink-table-scroll") && !element.classList.contains("relink-table-scroll")) continue;
      if (visuallyHidden(element)) continue;
      const hasText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
      if (!hasText) continue;
      if (box.right > root.clientWidth + 1 || box.left < -1) {
        problems.push(`${describe(element)} reaches ${Math.round(box.left)}..${Math.round(box.right)} px`);
      }
      const clips = ["hidden", "clip"].includes(style.overflowX);
      if (clips && element.scrollWidth > element.clientWidth + 1) {
        problems.push(`${describe(element)} clips its text (${element.scrollWidth} px in ${element.clientWidth})`);
      }
    }
    return problems;
  });
}

/** Every page at each width, English and Welsh, with nothing overflowing. */
async function checkReflow(page: Page, paths: readonly string[]) {
  const found: string[] = [];
  for (const language of ["en", "cy"]) {
    await page.context().addCookies([{ name: "relink-lang", value: language, url: page.url() }]);
    for (const { zoom, width, height } of WIDTHS) {
      await page.setViewportSize({ width, height });
      for (const path of paths) {
        await page.goto(path);
        for (const problem of await overflow(page)) found.push(`${path} (${language}, ${zoom}): ${problem}`);
      }
    }
  }
  expect(found).toEqual([]);
}

test("pages open to everyone reflow at 320 and 640 px", async ({ page }) => {
  await page.goto("/");
  await checkReflow(page, PAGES_WITHOUT_JOURNEY_STATE);
});

test("a patient's account reflows at 320 and 640 px", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Account ID").fill("1000000005");
  await page.getByLabel("ODS code").fill("T00001");
  await page.getByLabel("Passphrase", { exact: true }).fill("river otter lantern forty two");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await checkReflow(page, ["/account", "/account/this-was-not-me"]);
});

test("the staff area reflows at 320 and 640 px", async ({ page }) => {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill("staff.riverside");
  await page.getByLabel("Password", { exact: true }).fill("riverside-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await enterSecurityCode(page);
  const patient = "/staff/patients/demo-patient-9990000018";
  await checkReflow(page, [
    "/staff",
    "/staff/test-patients",
    "/staff/test-patients/new",
    "/staff/patients",
    "/staff/patients?nhs_number=9990000018",
    patient,
    `${patient}/pin-document`,
    `${patient}/access`,
    `${patient}/end-access`,
    "/staff/replacement-requests",
    "/staff/mismatches",
    "/staff/audit",
    "/staff/imports",
    "/staff/practices",
    "/staff/members",
  ]);
});

test("on a phone the language link sits beside the logo", async ({ page }) => {
  for (const { width, height } of [{ width: 320, height: 640 }, { width: 390, height: 844 }]) {
    await page.setViewportSize({ width, height });
    for (const language of ["en", "cy"]) {
      await page.context().addCookies([{ name: "relink-lang", value: language, url: "http://127.0.0.1" }]);
      await page.goto("/");
      const logo = (await page.locator(".nhsuk-header__logo").boundingBox())!;
      const link = (await page.locator(".relink-language__link").boundingBox())!;
      // The same row: the link's middle lies within the logo's height, to its right.
      const middle = link.y + link.height / 2;
      expect(middle, `${language} at ${width} px`).toBeGreaterThan(logo.y);
      expect(middle, `${language} at ${width} px`).toBeLessThan(logo.y + logo.height);
      expect(link.x).toBeGreaterThan(logo.x + logo.width);
    }
  }
});
