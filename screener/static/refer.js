// The referral form: when a page comes back with the screening result and no
// errors, bring the result into view and focus it (wizard.js focuses the error
// summary otherwise). Same-origin file: the CSP forbids inline scripts; the page
// works without it (the result is then further down the page).
document.addEventListener("DOMContentLoaded", function () {
  var result = document.getElementById("result");
  if (result && !document.querySelector(".error-summary")) { result.focus(); }
});
