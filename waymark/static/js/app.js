// Waymark's only script entry point. No inline script anywhere (the CSP forbids it).
import { initAll as initGovUk } from "/static/build/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/build/moj/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovUk();
initMoj();

// "Exit this page" on survivor-facing pages: leave without leaving a way back. GOV.UK Frontend's
// component sets location.href, which keeps the form in the history; replace the entry instead,
// so Back does not return to the form. Runs in the capture phase, before the component.
const exitButton = document.querySelector(".govuk-js-exit-this-page-button");
if (exitButton) {
  const leave = (event) => {
    event.preventDefault();
    event.stopImmediatePropagation();
    document.body.classList.add("govuk-exit-this-page-hide-content");
    window.location.replace(exitButton.href);
  };
  exitButton.addEventListener("click", leave, { capture: true });
  // The Shift key pressed three times within 5 seconds, as the GOV.UK component offers.
  let presses = [];
  window.addEventListener(
    "keyup",
    (event) => {
      if (event.key !== "Shift") return;
      const now = Date.now();
      presses = presses.filter((at) => now - at < 5000).concat(now);
      if (presses.length >= 3) {
        leave(event);
      }
    },
    { capture: true },
  );
}
