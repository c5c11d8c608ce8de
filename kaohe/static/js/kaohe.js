/* Kaohe's page behaviour without inline script (the Content-Security-Policy allows only our own
 * script files): controls (selects, checkboxes) marked data-autosubmit submit their form when
 * changed; progress bars take their width from data-progress (also in fragments htmx swaps in);
 * a form marked data-confirm="question" is sent only once the user confirms; a button marked
 * data-print prints the page. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    var control = target instanceof HTMLSelectElement || target instanceof HTMLInputElement;
    if (control && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
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
