// Runs first in <body>: tells GOV.UK Frontend's styles that scripts run (and whether its ES module
// code is supported), before anything is painted. Pages work the same without it.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
