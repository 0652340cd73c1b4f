/* Starts Swagger UI on /api/v1/docs from data attributes (CSP forbids inline scripts). */
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var config = JSON.parse(node.dataset.swaggerSettings || "{}");
    var csrfToken = node.dataset.csrfToken;
    config.dom_id = "#swagger-ui";
    config.presets = [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset];
    // Signed-in browsers use the session cookie, which the API checks for CSRF.
    config.requestInterceptor = function (req) {
      if (csrfToken) {
        req.headers["X-CSRFToken"] = csrfToken;
      }
      return req;
    };
    window.SwaggerUIBundle(config);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
