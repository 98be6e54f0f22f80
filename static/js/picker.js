// The compare page's region and agency picker: a combobox (WAI-ARIA 1.2 pattern) over the JSON
// search endpoint. Typing searches; arrow keys move, Enter or a click adds the option to the
// URL (region=… or agency=…) and loads it; Escape closes. Without JavaScript the same input
// submits ?find=… and the page lists matches as links.
(function () {
  "use strict";

  function init(root) {
    var input = root.querySelector("[role=combobox]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector("#picker-status");
    var form = input.form;
    var url = root.getAttribute("data-search-url");
    var options = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({block: "nearest"});
    }

    function choose(option) {
      // The URL is the state: add the choice to the current query and load it.
      var params = new URLSearchParams(window.location.search);
      params.delete("find");
      params.delete("format");
      if (params.getAll(option.param).indexOf(option.value) < 0) params.append(option.param, option.value);
      window.location.assign(form.getAttribute("action") + "?" + params.toString() + "#compare-picker");
    }

    function render(results) {
      options = results;
      list.textContent = "";
      results.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = "picker-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-param", option.param);
        item.setAttribute("data-value", option.value);
        var name = document.createElement("span");
        name.textContent = option.label;
        var detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = " " + option.detail;
        item.appendChild(name);
        item.appendChild(detail);
        // mousedown, not click: it fires before the input's blur closes the list.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(option);
        });
        list.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = root.getAttribute("data-empty");
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      status.textContent = results.length ? results.length + " · " + root.getAttribute("data-help")
                                          : root.getAttribute("data-empty");
    }

    function search() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      var mine = ++serial;
      var query = new URLSearchParams({q: text});
      if (new URLSearchParams(window.location.search).get("include_unreviewed") === "1") {
        query.set("include_unreviewed", "1");
      }
      fetch(url + "?" + query.toString(), {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (body) { if (mine === serial) render(body.results || []); })
        .catch(function () { if (mine === serial) render([]); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) setActive(active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(options[active]);
        } else if (open && options.length === 1) {
          event.preventDefault();
          choose(options[0]);
        }
        // Otherwise the form submits ?find=… and the server lists the matches.
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });

    // Back after choosing: the picker keeps the focus, ready for the next name.
    if (window.location.hash === "#compare-picker") {
      input.focus();
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("compare-picker");
    if (root && window.fetch && window.URLSearchParams) init(root);
  });
})();
