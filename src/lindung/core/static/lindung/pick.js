// The village list of cards on a phone: "select all", the count of cards chosen, and no Continue with none chosen.
(function () {
  var form = document.getElementById("pick"), all = document.getElementById("pick-all"), out = document.getElementById("pick-count");
  if (!all) return;
  var boxes = form.querySelectorAll("input[name=card]"), next = form.querySelector("button[type=submit]");
  function count() {
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n++; });
    out.textContent = n;
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
    next.disabled = n === 0;
  }
  function followAll() { boxes.forEach(function (b) { b.checked = all.checked; }); }
  all.addEventListener("change", function () { followAll(); count(); });
  form.addEventListener("change", function (e) { if (e.target.name === "card") count(); });
  // On a slow line "select all" may be ticked before this script arrives: honour it rather than untick it.
  if (all.checked) followAll();
  count();
})();
