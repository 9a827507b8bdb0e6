import AxeBuilder from "@axe-core/playwright";
import { createHmac } from "node:crypto";
import { expect, test as base, type Browser, type Page, type TestInfo } from "@playwright/test";

/**
 * Playwright's `test`, failing any test in which the wasm bundle panicked (a hydration
 * mismatch, for example) or the page threw: such errors leave a page that looks fine but
 * does not work.
 */
export const test = base.extend<{ noScriptErrors: void }>({
  noScriptErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" && /panicked|hydration|Content Security Policy/i.test(message.text())) {
          errors.push(message.text().split("\n")[0]);
        }
      });
      page.on("pageerror", (error) => errors.push(String(error)));
      await use();
      expect(errors, "no script errors on the page").toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Every page Relink serves without a journey state: axe scans each of them in English
 * (accessibility.spec.ts) and in Welsh (welsh.spec.ts). Journey states are scanned in the
 * journey specs.
 */
export const PAGES_WITHOUT_JOURNEY_STATE = [
  "/",
  "/accessibility",
  "/demo",
  "/demo/mailbox",
  "/no-such-page",
  "/reset-passphrase",
  "/reset-passphrase/new-passphrase",
  "/sign-in",
  "/account/this-was-not-me",
  "/cannot-sign-in",
  "/cannot-sign-in/pin-document",
  "/cannot-sign-in/delete-account",
  "/replace-account",
  "/replace-account/email",
  "/replace-account/status",
  "/replace-account/activate",
  "/replace-account/cancel",
  "/staff/sign-in",
] as const;

/** The viewports every page is checked at: a phone and a desktop. */
export const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
] as const;

/**
 * Fails with the list of violations when axe finds any WCAG 2.2 A/AA problem. Label in Name
 * (WCAG 2.5.3) is an "experimental" axe rule, off unless asked for: it is asked for, so a voice
 * control user can always say the words they see.
 */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .options({ rules: { "label-content-name-mismatch": { enabled: true } } })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary).toEqual([]);
}

export const jsEnabled = (testInfo: TestInfo) => testInfo.project.name === "js-on";

/** With JavaScript on, waits until the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  }
}

/**
 * Runs axe on the page as the user sees it now. axe needs JavaScript, so with JavaScript off
 * the page's current HTML is loaded, at the same address, into a JavaScript-enabled page whose
 * own scripts and wasm are refused: the same document and styles, scanned.
 */
export async function checkAccessibility(page: Page, browser: Browser, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await expectNoAxeViolations(page);
    return;
  }
  const html = await page.content();
  const url = page.url();
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
  try {
    const copy = await context.newPage();
    await copy.route(/\.(js|mjs|wasm)(\?.*)?$/, (route) => route.abort());
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
    await copy.goto(url);
    await expectNoAxeViolations(copy);
  } finally {
    await context.close();
  }
}

/** The demo staff's authenticator key (app/src/demo.rs `DEMO_TOTP_SECRET`, shown on /demo). */
export const DEMO_TOTP_SECRET = "RELINKDEMOSTAFFTOTPSECRETDEMOKEY";

/** An RFC 6238 code (HMAC-SHA1, 6 digits, 30-second steps) for a base32 key at a Unix time. */
export function totpCode(base32Key: string, unixSeconds: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of base32Key.replace(/\s/g, "").toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/**
 * Answers the security-code step with a code from `key`. No code works twice, so when this
 * member already used the code of now (another sign-in moments ago), the next step's code is
 * tried (accepted: one step either side), and failing that the next step is waited for.
 */
export async function enterSecurityCode(page: Page, key: string = DEMO_TOTP_SECRET) {
  for (let round = 0; round < 3; round++) {
    const now = Math.floor(Date.now() / 1000);
    for (const at of [now, now + 30]) {
      await page.getByLabel("Security code").fill(totpCode(key, at));
      await page.getByRole("button", { name: "Sign in" }).click();
      const left = await page
        .waitForURL((url) => !url.pathname.endsWith("/security-code"), { timeout: 3_000 })
        .then(() => true, () => false);
      if (left) return;
    }
    await page.waitForTimeout((30 - (Math.floor(Date.now() / 1000) % 30)) * 1000 + 500);
  }
  throw new Error("no security code was accepted in three steps");
}
