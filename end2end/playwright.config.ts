import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// Runs against the relink binary built by scripts/build.sh, in demo mode, on a fresh SQLite file.
const root = resolve(__dirname, "..");
const binary = process.env.RELINK_BIN ?? join(root, "target/debug/relink");
// Set once, in the runner: its workers inherit it, so tests can reach the servers' databases
// (the staff tests add a new starter with `relink staff add`).
const dataDir = process.env.RELINK_E2E_DATA ?? mkdtempSync(join(tmpdir(), "relink-e2e-"));
process.env.RELINK_E2E_DATA = dataDir;

// One server per project, each on its own fresh database: a journey uses up a demo PIN
// document, and each project walks every journey.
// RELINK_E2E_BASE_PORT moves both when 3100 and 3101 are taken.
const basePort = Number(process.env.RELINK_E2E_BASE_PORT ?? "3100");
const servers = { "js-on": basePort, "js-off": basePort + 1 } as const;
// NHS England's PDS sandbox (scripts/pds-sandbox.sh), which "Check against PDS" asks.
const pdsPort = basePort + 2;
const pdsSandbox = {
  command: `bash "${join(root, "scripts/pds-sandbox.sh")}" serve ${pdsPort}`,
  // The sandbox answers 400 without an X-Request-ID: Playwright counts that as up.
  url: `http://127.0.0.1:${pdsPort}/Patient/9000000009`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: "ignore" as const,
  stderr: "pipe" as const,
};
/** A demo Relink server on `port` with its own fresh SQLite file, and `env` on top. */
const relinkServer = (database: string, port: number, env: Record<string, string>) => ({
  command: `"${binary}" --demo`,
  url: `http://127.0.0.1:${port}/healthz`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: "ignore" as const,
  stderr: "pipe" as const,
  env: {
    DATABASE_URL: `sqlite://${join(dataDir, `${database}.db`)}`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: join(root, "target/site"),
    RUST_LOG: "warn",
    ...env,
  },
});
const relinkServers = Object.entries(servers).map(([name, port]) =>
  relinkServer(name, port, {
    PDS_BASE_URL: `http://127.0.0.1:${pdsPort}`,
    // Only staff checks ask PDS: the demo data stays as the tests expect it.
    RELINK_PDS_REFRESH_INTERVAL: "0",
  }),
);
// Staff sign-in with CIS2 (staff-cis2.spec.ts): the test OpenID provider
// (scripts/oidc-provider.sh, oidc-provider with CIS2's claims) and a server per project whose
// staff sign in with it. The other servers keep the local password form their specs use.
const cis2Ports = { "js-on": basePort + 3, "js-off": basePort + 4 } as const;
const oidcPort = basePort + 5;
const oidcClient = { id: "relink-e2e", secret: "relink-e2e-secret" };
const oidcProvider = {
  command: `bash "${join(root, "scripts/oidc-provider.sh")}" serve ${oidcPort}`,
  url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: "ignore" as const,
  stderr: "pipe" as const,
  env: {
    // Another site than Relink's 127.0.0.1 (a site ignores the port): the trip to the provider
    // and back is cross-site, as with CIS2, so SameSite rules apply as they would there.
    OIDC_ISSUER_HOST: "localhost",
    OIDC_CLIENT_ID: oidcClient.id,
    OIDC_CLIENT_SECRET: oidcClient.secret,
    OIDC_REDIRECT_URIS: Object.values(cis2Ports)
      .map((port) => `http://127.0.0.1:${port}/staff/sign-in/callback`)
      .join(" "),
  },
};
const cis2Servers = Object.entries(cis2Ports).map(([name, port]) =>
  relinkServer(`cis2-${name}`, port, {
    RELINK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    STAFF_OIDC_ISSUER: `http://localhost:${oidcPort}`,
    STAFF_OIDC_CLIENT_ID: oidcClient.id,
    STAFF_OIDC_CLIENT_SECRET: oidcClient.secret,
    STAFF_OIDC_ADMIN_ROLE_CODE: "R8008",
  }),
);
// The timeout warning (timeout.spec.ts): a server per project whose sessions end after 30
// seconds unused (40 for staff), with the shortest warning WCAG 2.2.1 allows, 20 seconds.
const timeoutPorts = { "js-on": basePort + 6, "js-off": basePort + 7 } as const;
const timeoutServers = Object.entries(timeoutPorts).map(([name, port]) =>
  relinkServer(`timeout-${name}`, port, {
    RELINK_PATIENT_IDLE_SECONDS: "30",
    RELINK_STAFF_IDLE_SECONDS: "40",
    RELINK_TIMEOUT_WARNING_SECONDS: "20",
  }),
);
// Keyboard-only journeys that use up a demo PIN document or a replacement (keyboard.spec.ts):
// a fresh server per project, so they take nothing from the other specs' journeys.
const keyboardPorts = { "js-on": basePort + 8, "js-off": basePort + 9 } as const;
const keyboardServers = Object.entries(keyboardPorts).map(([name, port]) => relinkServer(`keyboard-${name}`, port, {}));
// Accessibility-tree snapshots of signed-in pages (aria.spec.ts): a server per project that no
// other spec touches, so the pages show the same data every run.
const ariaPorts = { "js-on": basePort + 10, "js-off": basePort + 11 } as const;
const ariaServers = Object.entries(ariaPorts).map(([name, port]) => relinkServer(`aria-${name}`, port, {}));
const webServer = [
  pdsSandbox,
  ...relinkServers,
  oidcProvider,
  ...cis2Servers,
  ...timeoutServers,
  ...keyboardServers,
  ...ariaServers,
];

// Debian's Chromium: Playwright cannot download its own browser on these machines.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: { trace: "retain-on-failure" },
  projects: [
    { name: "js-on", use: { ...chromium, javaScriptEnabled: true, baseURL: `http://127.0.0.1:${servers["js-on"]}` } },
    { name: "js-off", use: { ...chromium, javaScriptEnabled: false, baseURL: `http://127.0.0.1:${servers["js-off"]}` } },
  ],
  webServer,
});
