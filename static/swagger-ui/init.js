// Starts Swagger UI on the cloudseal OpenAPI document. Kept in a file of its own so the
// page needs no inline script under the Content-Security-Policy.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
