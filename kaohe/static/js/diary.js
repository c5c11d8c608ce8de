/* The team view's month grid (kaohe/diary): a cell htmx could not save (a locked month, a day
 * that is not a working day) goes back to its saved status and the reason is shown above the
 * grid. No inline script: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";

  document.addEventListener("htmx:responseError", function (event) {
    var cell = event.target;
    if (!(cell instanceof HTMLSelectElement) || !cell.classList.contains("cell")) {
      return;
    }
    for (var i = 0; i < cell.options.length; i++) {
      if (cell.options[i].defaultSelected) {
        cell.selectedIndex = i;
      }
    }
    var box = document.getElementById("grid-message");
    if (box) {
      box.textContent = event.detail.xhr.responseText;
      box.hidden = false;
    }
  });
})();
