// Switches on nhsuk-frontend's JavaScript enhancements (password show/hide, error summary
// focus, header menu). A module script runs only in browsers nhsuk-frontend supports, and
// after the body is parsed, so no inline script is needed.
import { initAll } from "./nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
