/* Starts Swagger UI on the API docs page (no inline script). A request made from the page
   carries the session's CSRF token, so POSTs work for a logged-in user. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (request) {
    if (csrf) {
      request.headers["X-CSRFToken"] = csrf;
    }
    return request;
  };
  window.ui = SwaggerUIBundle(settings);
})();
