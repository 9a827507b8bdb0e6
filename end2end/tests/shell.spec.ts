import { expect } from "@playwright/test";
import { jsEnabled, test, waitForHydration } from "./support";

test("the start page renders completely and is hydrated only with JavaScript on", async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.goto("/");
  await expect(page).toHaveTitle("Manage your GP online account – NHS");
  await expect(page.locator("html")).toHaveAttribute("lang", "en-GB");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Manage your GP online account");
  await expect(page.getByRole("banner")).toContainText("Manage your GP online account");
  await expect(page.getByRole("contentinfo")).toContainText("© NHS England");
  await expect(page.getByTestId("demo-notice")).toBeVisible();

  if (jsEnabled(testInfo)) {
    await waitForHydration(page, testInfo);
    // nhsuk-frontend's own script ran too.
    await expect(page.locator("body")).toHaveClass(/nhsuk-frontend-supported/);
    expect(consoleErrors).toEqual([]);
  } else {
    await page.waitForLoadState("load");
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  }
});

test("the skip link moves keyboard users to the main content", async ({ page }, testInfo) => {
  await page.goto("/");
  await waitForHydration(page, testInfo);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await skip.press("Enter");
  await expect(page).toHaveURL(/#maincontent$/);
});

test("after hydration, a link loads the next page from the server, which hydrates again", async ({ page }, testInfo) => {
  // Islands mode: pages are server-rendered and links are ordinary links (the NHS pattern:
  // a new page is announced as one by screen readers and nhsuk-frontend starts afresh).
  test.skip(!jsEnabled(testInfo), "hydration needs JavaScript");
  await page.goto("/");
  await waitForHydration(page, testInfo);
  await page.getByTestId("demo-notice").getByRole("link", { name: "See the demo details you can use" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demo details");
  await expect(page).toHaveTitle("Demo details – Manage your GP online account – NHS");
  await waitForHydration(page, testInfo);
});

test("the demo page lists the details to try", async ({ page }, testInfo) => {
  await page.goto("/demo");
  await waitForHydration(page, testInfo);
  const table = page.getByRole("table", { name: "Demo PIN documents" });
  for (const text of ["1000000001", "demo-pin-1", "1 February 1980", "Expired", "Already used", "Hillview Medical Centre"]) {
    await expect(table).toContainText(text);
  }
});

test("an unknown address gets a 404 page that leads back", async ({ page }, testInfo) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await waitForHydration(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.getByRole("link", { name: "Go to the start page" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Manage your GP online account");
});
