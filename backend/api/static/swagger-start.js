/* Starts Swagger UI on /api/v1/docs from the container's data attributes (no inline script
 * is allowed by the Content-Security-Policy). */
(function () {
  'use strict';
  window.addEventListener('load', function () {
    var container = document.getElementById('swagger-ui-container');
    var config = {url: container.getAttribute('data-spec-url'), dom_id: '#swagger-ui-container'};
    var overrides = JSON.parse(container.getAttribute('data-config') || '{}');
    Object.keys(overrides).forEach(function (key) { config[key] = overrides[key]; });
    window.ui = window.SwaggerUIBundle(config);
  });
}());
