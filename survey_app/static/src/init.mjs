// Marks the page as able to run GOV.UK Frontend components, then starts them. Kept in a file
// (not inline) so the Content Security Policy can forbid inline script.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A form that takes a while (drafting a report, saving quotes, re-running themes) says so as
// soon as it is sent: its data-app-busy text appears in a status region that screen readers
// announce, so nobody wonders whether anything is happening or sends it twice.
for (const form of document.querySelectorAll("form[data-app-busy]")) {
  form.addEventListener("submit", () => {
    const status = form.querySelector(".app-busy") || document.createElement("p");
    status.className = "govuk-body app-busy";
    status.setAttribute("role", "status");
    status.textContent = form.dataset.appBusy;
    form.append(status);
  });
}
