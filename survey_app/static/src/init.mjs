// Marks the page as able to run GOV.UK Frontend components, then starts them. Kept in a file
// (not inline) so the Content Security Policy can forbid inline script.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
