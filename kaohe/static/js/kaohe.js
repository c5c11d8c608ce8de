/* Kaohe's page behaviour without inline script (the Content-Security-Policy allows only our own
 * script files): controls (selects, checkboxes) marked data-autosubmit submit their form when
 * changed; progress bars take their width from data-progress (also in fragments htmx swaps in). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    var control = target instanceof HTMLSelectElement || target instanceof HTMLInputElement;
    if (control && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  function progress(root) {
    var bars = root.querySelectorAll("[data-progress]");
    for (var i = 0; i < bars.length; i++) {
      var value = Number(bars[i].getAttribute("data-progress"));
      bars[i].style.width = Math.max(0, Math.min(100, isFinite(value) ? value : 0)) + "%";
    }
  }

  document.addEventListener("DOMContentLoaded", function () { progress(document); });
  document.addEventListener("htmx:load", function (event) { progress(event.target); });
})();
