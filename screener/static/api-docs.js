// Starts Swagger UI on /api/docs (templates/api/docs.html). A static file: the
// Content-Security-Policy allows no inline script.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    deepLinking: false,
    // No "Try it out" requests to other servers, no validator badge (it calls out).
    validatorUrl: null,
    supportedSubmitMethods: ["get", "post"],
  });
});
