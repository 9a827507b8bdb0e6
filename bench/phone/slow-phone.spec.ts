// Time to usable on a slow phone (issue #8, item 5): Chromium with the CPU slowed 4 times and
// DevTools' "Slow 4G" network (Lighthouse's 150 ms / 1.6 Mbps, with DevTools' multipliers), a
// cold cache each run. With JavaScript off: time until the form can be submitted (the submit
// button is there and the document is interactive). With JavaScript on: the same, and the time
// until the wasm has hydrated the page (the `data-hydrated` marker). Budget: usable before
// hydration; hydrated within 3 s.
import { test, expect, type Page } from "@playwright/test";

const RUNS = 5;

async function slowPhone(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
    uploadThroughput: (750 * 1024 * 0.9) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });
    test(`reset page on a slow phone`, async ({ page }) => {
      test.setTimeout(180_000);
      const usable: number[] = [];
      const hydrated: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await slowPhone(page);
        const started = Date.now();
        await page.goto("/reset-passphrase", { waitUntil: "commit" });
        await expect(page.getByRole("button", { name: "Continue" })).toBeVisible();
        await page.waitForFunction(() => document.readyState !== "loading", undefined, { polling: 20 }).catch(() => {});
        usable.push(Date.now() - started);
        if (javaScriptEnabled) {
          await page.locator("html[data-hydrated=true]").waitFor({ state: "attached", timeout: 60_000 });
          hydrated.push(Date.now() - started);
        }
        await page.goto("about:blank");
      }
      const line = javaScriptEnabled
        ? `JS on: usable after ${median(usable)} ms (median of ${RUNS}), hydrated after ${median(hydrated)} ms`
        : `JS off: usable after ${median(usable)} ms (median of ${RUNS})`;
      console.log(`RESULT ${line}; runs: usable ${usable.join(", ")}${javaScriptEnabled ? `; hydrated ${hydrated.join(", ")}` : ""}`);
    });
  });
}
