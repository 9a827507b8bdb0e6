// Switches on nhsuk-frontend's JavaScript enhancements (password show/hide, error summary
// focus, header menu). A module script runs only in browsers nhsuk-frontend supports, and
// after the body is parsed, so no inline script is needed.
//
// Some enhancements change the page (the password input adds a status element). The wasm
// bundle must first hydrate the page exactly as the server sent it, so the enhancements start
// once it has (it sets data-hydrated on <html>), or after 10 seconds if it never does.
import { initAll } from "./nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");

const root = document.documentElement;
let started = false;
const observer = new MutationObserver(() => {
  if (root.dataset.hydrated === "true") start();
});
function start() {
  if (started) return;
  started = true;
  observer.disconnect();
  initAll();
}
if (root.dataset.hydrated === "true") {
  start();
} else {
  observer.observe(root, { attributes: true, attributeFilter: ["data-hydrated"] });
  setTimeout(start, 10_000);
}
