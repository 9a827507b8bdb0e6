// Switches on nhsuk-frontend's JavaScript enhancements (password show/hide, error summary
// focus, header menu). A module script runs only in browsers nhsuk-frontend supports, and
// after the body is parsed, so no inline script is needed.
//
// They start at once, without waiting for the wasm bundle: Relink hydrates only its islands
// (app/src/components/islands.rs), and no island holds nhsuk-frontend markup, so the
// enhancements never change HTML that hydration expects as the server sent it. Keep it so: an
// island with an nhsuk component inside would need these to wait for `data-hydrated`.
import { initAll } from "./nhsuk-frontend.min.js";
import { shareSignOut, startTimeoutWarning } from "./timeout-warning.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// The warning before a session ends unused, on pages of a session (timeout-warning.js).
startTimeoutWarning();
shareSignOut();
