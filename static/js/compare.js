// /compare/: draw the server-built plotly figure; every control change navigates to the new GET URL.
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("chart");
    var source = document.getElementById("figure-data");
    if (!holder || !source || !window.Plotly) return;
    var spec = JSON.parse(source.textContent);
    window.Plotly.newPlot(holder, spec.figure.data, spec.figure.layout || {}, spec.config || {})
      .then(function () { holder.setAttribute("data-drawn", "1"); });
  }

  // The URL is the state: submit the controls as a GET URL without empty parameters.
  function navigate(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    var query = params.toString();
    window.location.assign(window.location.pathname + (query ? "?" + query : ""));
  }

  function wireControls() {
    var form = document.getElementById("compare-controls");
    if (!form) return;
    form.addEventListener("change", function () { navigate(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); navigate(form); });
  }

  function wireCopy() {
    var button = document.getElementById("copy-link");
    if (!button) return;
    button.addEventListener("click", function () {
      var url = window.location.href;
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
      } else {
        window.prompt("", url);  // no clipboard API on plain-http intranet hosts
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireControls();
    wireCopy();
    draw();
  });
})();
