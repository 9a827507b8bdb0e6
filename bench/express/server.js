// What an NHS team would typically build instead of Relink's server-side rendering, for the
// comparison in bench/ssr.sh: Express + Nunjucks rendering the same "Reset your passphrase"
// page with nhsuk-frontend's own Nunjucks templates and macros. Production settings (template
// cache on, NODE_ENV=production). Usage: node server.js PORT [WORKERS]
const path = require("node:path");
const cluster = require("node:cluster");
const express = require("express");
const nunjucks = require("nunjucks");

const port = Number(process.argv[2] || 3950);
const workers = Number(process.argv[3] || 1);

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const app = express();
  app.disable("x-powered-by");
  nunjucks.configure(
    [path.join(__dirname, "views"), path.join(__dirname, "../../node_modules/nhsuk-frontend/dist")],
    { autoescape: true, express: app, noCache: false },
  );
  app.set("view engine", "njk");
  app.get("/reset-passphrase", (req, res) => {
    res.render("reset-passphrase", {
      values: { account_id: "", ods_code: "", pin_passphrase: "", day: "", month: "", year: "" },
    });
  });
  app.listen(port, "127.0.0.1");
}
