// Progressive enhancement: GOV.UK Frontend's components (error summary focus, checkboxes with
// conditional reveals, accordions, the service navigation menu). Every page works without it.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
