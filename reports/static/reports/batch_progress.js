// Import batch page (templates/admin/reports/importbatch/batch.html): while the batch is open,
// poll its progress JSON every 1.5 s and update the bar, counts, times and the table of files.
(function () {
  "use strict";
  var root = document.getElementById("import-batch");
  if (!root || root.getAttribute("data-open") !== "1") { return; }
  var INTERVAL = 1500;
  var COLON = root.getAttribute("data-colon") || "：";
  var url = new URL(root.getAttribute("data-progress-url"), window.location.href);
  var here = new URLSearchParams(window.location.search);
  ["status", "page"].forEach(function (key) {
    if (here.get(key)) { url.searchParams.set(key, here.get(key)); }
  });

  function byId(id) { return document.getElementById(id); }
  function setText(id, text) { var el = byId(id); if (el) { el.textContent = text; } }

  function renderCounts(counts) {
    var list = byId("batch-counts");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    counts.forEach(function (c) {
      var li = document.createElement("li");
      li.className = c.status;
      li.textContent = c.label + COLON + c.n;
      list.appendChild(li);
    });
  }

  function renderPages(page, pages) {
    var box = byId("batch-pages");
    while (box.firstChild) { box.removeChild(box.firstChild); }
    for (var n = 1; n <= pages; n++) {
      var el;
      if (n === page) {
        el = document.createElement("span");
        el.className = "this-page";
      } else {
        el = document.createElement("a");
        var link = new URLSearchParams(window.location.search);
        link.set("page", String(n));
        el.href = "?" + link.toString();
      }
      el.textContent = String(n);
      box.appendChild(el);
      box.appendChild(document.createTextNode(" "));
    }
  }

  function render(data) {
    var bar = byId("batch-bar");
    bar.max = Math.max(1, data.total);
    bar.value = data.done;
    setText("batch-done", String(data.done));
    setText("batch-total", String(data.total));
    setText("batch-elapsed", data.elapsed);
    setText("batch-remaining", data.remaining);
    var state = byId("batch-state");
    state.textContent = data.state_label;
    state.className = "batch-state state-" + data.state;
    renderCounts(data.counts);
    // Rendered and escaped by the server (templates/admin/reports/importbatch/rows.html).
    byId("batch-rows").innerHTML = data.rows_html;
    renderPages(data.page, data.pages);
    if (!data.open) {
      var cancel = byId("batch-cancel");
      if (cancel) { cancel.remove(); }
    }
  }

  function poll() {
    fetch(url.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        render(data);
        if (data.open) { window.setTimeout(poll, INTERVAL); }
      })
      .catch(function () { window.setTimeout(poll, INTERVAL * 4); });  // server busy or restarting: retry later
  }
  window.setTimeout(poll, INTERVAL);
}());
