// Switches on nhsuk-frontend's JavaScript enhancements (password show/hide, error summary
// focus, header menu, conditional reveals). A module script runs only in browsers
// nhsuk-frontend supports, and after the body is parsed, so no inline script is needed.
//
// They start at once, without waiting for the wasm bundle: Relink hydrates only its islands
// (app/src/components/islands.rs), and no island holds nhsuk-frontend markup, so the
// enhancements never change HTML that hydration expects as the server sent it. Keep it so: an
// island with an nhsuk component inside would need these to wait for `data-hydrated`.
import { initAll } from "./nhsuk-frontend.min.js";
import { shareSignOut, startTimeoutWarning } from "./timeout-warning.js";

// A radio that reveals a question gets `aria-controls` from nhsuk-frontend and keeps it; the
// `aria-expanded` it also sets is not allowed on a radio (ARIA 1.2; axe's aria-allowed-attr,
// a known issue of the GOV.UK and NHS design systems: alphagov/govuk-frontend#979,
// w3c/aria#1404), so it is taken off again whenever it is set. The revealed question follows
// its radio in reading order.
new MutationObserver((changes) => {
  for (const { target } of changes) {
    if (target instanceof HTMLInputElement && target.type === "radio" && target.hasAttribute("aria-expanded")) {
      target.removeAttribute("aria-expanded");
    }
  }
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-expanded"] });

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// The warning before a session ends unused, on pages of a session (timeout-warning.js).
startTimeoutWarning();
shareSignOut();
