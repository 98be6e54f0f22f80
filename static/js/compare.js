// /compare/: every control change navigates to the new GET URL (the URL is the state), and the
// map's year slider. The chart is drawn by charts.js, the copy-link button handled by filters.js.
(function () {
  "use strict";

  // Parameters of the page state that the controls may submit; "find" belongs to the picker.
  var TRANSIENT = ["find", "format"];

  function navigate(form, extra) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && TRANSIENT.indexOf(name) < 0) params.append(name, value);
    });
    Object.keys(extra || {}).forEach(function (name) {
      params.delete(name);
      if (extra[name] !== "") params.append(name, extra[name]);
    });
    var query = params.toString();
    window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
  }

  function wireControls() {
    var form = document.getElementById("compare-controls");
    if (!form) return;
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.id === "picker-input") return;
      // One year or a range: choosing one clears the other (data-clears names them).
      (field.getAttribute("data-clears") || "").split(" ").filter(Boolean).forEach(function (name) {
        var other = form.elements[name];
        if (other) other.value = "";
      });
      navigate(form);
    });
    form.addEventListener("submit", function (event) {
      if (document.activeElement && document.activeElement.id === "picker-input") return;  // picker.js
      event.preventDefault();
      navigate(form);
    });
  }

  function wireSlider() {
    var slider = document.getElementById("map-year");
    var output = document.getElementById("map-year-value");
    if (!slider) return;
    var timer = null;
    slider.addEventListener("input", function () {
      output.textContent = slider.value;
      slider.setAttribute("aria-valuetext", slider.value);
    });
    // Arrow keys fire a change per step: wait for the last one before loading the year.
    slider.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var href = slider.getAttribute("data-url").replace("YEAR", encodeURIComponent(slider.value));
        window.location.assign(href);
      }, 350);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireControls();
    wireSlider();
  });
})();
