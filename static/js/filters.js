// Filter forms re-submit when a region select changes; the levels below it are cleared first
// because their choices depend on it. Without JavaScript the submit button does the same.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-autosubmit]")) return;
  (select.dataset.clears || "").split(" ").filter(Boolean).forEach(function (name) {
    var below = select.form.elements[name];
    if (below) below.value = "";
  });
  select.form.submit();
});

// The copy-link button copies the page URL, which holds the whole list state (same markup as /compare/).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("#copy-link");
  if (!button) return;
  var url = window.location.href;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(url).then(function () {
      button.textContent = button.getAttribute("data-copied");
    }, function () { window.prompt("", url); });
  } else {
    window.prompt("", url);  // no clipboard API on plain-http intranet hosts
  }
});
