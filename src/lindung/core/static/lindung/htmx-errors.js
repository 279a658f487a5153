// An error page answered to an htmx request (a 4xx/5xx sent to #htmx-error by core.error_views) is shown in that
// box: htmx alone drops an error answer and the page would not change. A failure with no answer of ours (the
// server unreachable, a proxy's error page) shows the box's own short message. The box empties on the next request.
(function () {
  "use strict";
  function box() { return document.getElementById("htmx-error"); }
  function ours(xhr) { return xhr && xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget") === "#htmx-error"; }
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (ours(e.detail.xhr)) { e.detail.shouldSwap = true; }
  });
  function unreachable(e) {
    var el = box();
    if (!el || ours(e.detail.xhr)) { return; }
    var p = document.createElement("p");
    p.className = "msg error";
    p.setAttribute("role", "alert");
    p.textContent = el.dataset.unreachable;
    el.replaceChildren(p);
  }
  document.addEventListener("htmx:responseError", unreachable);
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:beforeRequest", function () {
    var el = box();
    if (el) { el.replaceChildren(); }
  });
})();
