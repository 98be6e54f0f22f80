// Draws every server-built plotly figure of the page: <div data-figure="ID"> reads the JSON of
// <script id="ID" type="application/json"> ({data, layout, narrow, config}). Loaded after
// plotly.js and its locale by templates/includes/plotly.html; no inline script anywhere.
(function () {
  "use strict";

  var NARROW = 640;  // px: below this the figure's `narrow` texts (shorter lines) apply

  function icon(path) {
    return {width: 24, height: 24, path: path};
  }
  // Simple outline glyphs: a vector "S" curve for SVG, a small grid for the CSV table.
  var SVG_ICON = icon("M4 3h16v18H4z M7 8c0-2 4-2 5 0s5 2 5 0 M7 15c0 2 4 2 5 0s5-2 5 0");
  var CSV_ICON = icon("M3 4h18v16H3z M3 9h18 M3 14h18 M9 4v16 M15 4v16");

  function isNarrow(holder) {
    return holder.clientWidth > 0 && holder.clientWidth < NARROW;
  }

  function download(url) {
    var link = document.createElement("a");
    link.href = url;
    link.setAttribute("download", "");
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function buttons(holder, config) {
    var filename = (config.toImageButtonOptions || {}).filename || "chart";
    var extra = [{
      name: "downloadSvg",
      title: holder.getAttribute("data-label-svg") || "SVG",
      icon: SVG_ICON,
      click: function (gd) { window.Plotly.downloadImage(gd, {format: "svg", filename: filename}); }
    }];
    var csv = holder.getAttribute("data-csv");
    if (csv) {
      extra.push({
        name: "downloadCsv",
        title: holder.getAttribute("data-label-csv") || "CSV",
        icon: CSV_ICON,
        click: function () { download(csv); }
      });
    }
    return extra;
  }

  function draw(holder) {
    var source = document.getElementById(holder.getAttribute("data-figure"));
    if (!source || !window.Plotly) return;
    var spec = JSON.parse(source.textContent);
    var narrow = spec.narrow || {};
    var wide = {};
    Object.keys(narrow).forEach(function (key) { wide[key] = (spec.layout || {})[key]; });
    var small = isNarrow(holder);
    var layout = Object.assign({}, spec.layout || {}, small ? narrow : {});
    var config = Object.assign({}, spec.config || {});
    config.modeBarButtonsToAdd = buttons(holder, config);
    config.responsive = false;  // the resize listener below does it
    window.Plotly.newPlot(holder, spec.data, layout, config).then(function () {
      holder.setAttribute("data-drawn", "1");
    });
    // Rotating a phone or resizing a window: refit the width (plotly's own responsive handler
    // keeps the old width when the layout fixes the height, and relayout of a height turns its
    // autosize off) and, across the threshold, swap the text wrapping.
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (!holder.getAttribute("data-drawn")) return;
        var update = {width: holder.clientWidth};
        var now = isNarrow(holder);
        if (now !== small) {
          small = now;
          Object.assign(update, small ? narrow : wide);
        }
        window.Plotly.relayout(holder, update);
      }, 120);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);
  });
})();
