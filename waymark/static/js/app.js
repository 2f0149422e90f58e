// Waymark's only script entry point. No inline script anywhere (the CSP forbids it).
import { initAll as initGovUk } from "/static/build/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/build/moj/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovUk();
initMoj();
