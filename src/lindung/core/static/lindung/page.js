// Behaviour the templates ask for by attribute, so that no page carries inline script (the CSP allows none):
// data-confirm on a form or a button asks before an irreversible step; data-tick-all="name" on a button ticks every
// checkbox of that name in its form.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-confirm]:not(form)");
    if (button && !window.confirm(button.dataset.confirm)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    var tick = e.target.closest("[data-tick-all]");
    if (tick && tick.form) {
      tick.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === tick.dataset.tickAll) { box.checked = true; }
      });
    }
  }, true);
  // Capture phase: a refused step never reaches htmx or the browser's own submit.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
})();
