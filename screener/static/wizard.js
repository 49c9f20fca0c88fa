// Moves focus to the error summary when a page comes back with errors, so
// screen-reader and keyboard users land on the list of problems. Same-origin
// file: the CSP forbids inline scripts. The pages work without it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
