import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// Issue #8, item 5: the release server (scripts/build.sh) on a fresh SQLite file, measured by
// slow-phone.spec.ts in Debian's Chromium. Run by bench/slow-phone.sh.
const root = resolve(__dirname, "../..");
const port = Number(process.env.RELINK_BENCH_PORT ?? "3948");
const dataDir = mkdtempSync(join(tmpdir(), "relink-phone-"));

export default defineConfig({
  testDir: ".",
  outputDir: join(dataDir, "results"),
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  webServer: {
    command: `"${join(root, "target/release/relink")}"`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: `sqlite://${join(dataDir, "bench.db")}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: join(root, "target/site"),
      RUST_LOG: "warn",
    },
  },
  use: {
    ...devices["Pixel 7"],
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    },
  },
});
