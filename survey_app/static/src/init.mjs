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

// A theme run HR asked for happens in the background: follow it on the page. Each new step is
// written into the status region (announced politely), the bar moves, and when the run ends the
// region says how it went. Without script the region still shows the step reached when the
// page was drawn, with a link to reload it. The sentences come from the page (data-app-run-*),
// in its language, with {names} for what the run reports.
const run = document.querySelector("[data-app-run-status]");
if (run && !run.hidden) {
  const text = run.querySelector("[role=status]");
  const bar = run.querySelector("progress");
  const words = run.dataset;
  const stages = JSON.parse(words.appRunStages || "{}");
  const fill = (sentence, values) =>
    sentence.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  const say = (sentence) => {
    if (text.textContent !== sentence) text.textContent = sentence;
  };
  const poll = async () => {
    let state;
    try {
      const answer = await fetch(run.dataset.appRunStatus, { headers: { Accept: "application/json" } });
      state = answer.ok ? await answer.json() : null;
    } catch {
      state = null;
    }
    if (state === null) {
      setTimeout(poll, 5000);
    } else if (state.state === "running") {
      bar.max = state.steps || bar.max;
      bar.value = state.step;
      const stage = stages[state.stage] || state.text;
      say(fill(words.appRunRunning, { step: state.step, steps: state.steps, stage }));
      setTimeout(poll, 1500);
    } else if (state.state === "waiting") {
      say(words.appRunWaiting);
      setTimeout(poll, 1500);
    } else {
      bar.value = bar.max;
      if (state.last_status !== "ok") say(words.appRunFailed);
      else if (state.themed === undefined) say(words.appRunDoneUncounted);
      else say(fill(words.appRunDone, { themed: state.themed, comments: state.comments }));
    }
  };
  setTimeout(poll, 1000);
}
