// Review page (templates/admin/reports/report/review.html): highlight a figure's evidence on hover,
// and turn a text selection in the report text into evidence offsets for "add figure".
(function () {
  "use strict";
  var pre = document.getElementById("report-text");
  if (!pre) { return; }

  function marksFor(id) { return pre.querySelectorAll('mark[data-figs~="' + id + '"]'); }
  function toggle(id, on) {
    marksFor(id).forEach(function (m) { m.classList.toggle("active", on); });
  }
  document.querySelectorAll("[data-fig]").forEach(function (el) {
    if (el.closest("#report-text")) { return; }
    var id = el.getAttribute("data-fig");
    el.addEventListener("mouseenter", function () { toggle(id, true); });
    el.addEventListener("mouseleave", function () { toggle(id, false); });
  });

  // Every piece of the text is an element with data-o = its offset in Report.text, so a boundary
  // (node, offset) maps to data-o of the enclosing piece plus the offset inside its text node.
  function offsetOf(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      var piece = node.parentElement.closest("[data-o]");
      return piece ? Number(piece.getAttribute("data-o")) + offset : null;
    }
    if (node === pre) {
      for (var i = offset; i < pre.childNodes.length; i++) {
        var child = pre.childNodes[i];
        if (child.nodeType === Node.ELEMENT_NODE && child.hasAttribute("data-o")) {
          return Number(child.getAttribute("data-o"));
        }
      }
      return Number(pre.getAttribute("data-len"));
    }
    var el = node.closest ? node.closest("[data-o]") : null;
    if (!el) { return null; }
    return Number(el.getAttribute("data-o")) + (offset > 0 ? el.textContent.length : 0);
  }

  // A selection is the evidence of whichever form is then submitted: a figure to add, or the
  // report's date (reports/review.py correct_issued_on).
  var forms = Array.prototype.slice.call(document.querySelectorAll("#add-figure, #correct-issued-on"));
  if (!forms.length) { return; }
  var DATE = /(\d{4})\s*[年\-\/.]\s*(\d{1,2})\s*[月\-\/.]\s*(\d{1,2})/;

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    if (!pre.contains(range.startContainer) && range.startContainer !== pre) { return; }
    if (!pre.contains(range.endContainer) && range.endContainer !== pre) { return; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) { return; }
    var chosen = sel.toString();
    forms.forEach(function (form) {
      form.querySelector('input[name="evidence_start"]').value = start;
      form.querySelector('input[name="evidence_end"]').value = end;
      var preview = form.querySelector("output.evidence-preview");
      if (preview) { preview.textContent = chosen; }
      var valueField = form.querySelector('input[name="value"]');
      // One number in the selection is most likely the value; staff can still change it.
      var numbers = chosen.match(/\d+(?:\.\d+)?/g);
      if (valueField && numbers && numbers.length === 1 && !valueField.value) {
        valueField.value = numbers[0];
      }
      var dateField = form.querySelector('input[name="issued_on"]');
      var stated = chosen.match(DATE);
      if (dateField && stated) {
        dateField.value = stated[1] + "-" + ("0" + stated[2]).slice(-2) + "-" + ("0" + stated[3]).slice(-2);
      }
    });
  });
})();
