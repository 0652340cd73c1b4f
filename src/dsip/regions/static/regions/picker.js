/* Division picker (see dsip/regions/widgets.py): swaps the plain code input for a
   chain of <select>s; htmx loads each level's options from regions:children. */
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function enhance(root) {
    if (!root.querySelectorAll) { return; }
    each(root.querySelectorAll("[data-division-picker]:not([data-enhanced])"), function (picker) {
      picker.setAttribute("data-enhanced", "");
      var fallback = picker.querySelector("[data-division-fallback]");
      var chain = picker.querySelector("[data-division-chain]");
      // Disabled controls are not submitted: the chain's value wins from now on.
      each(fallback.querySelectorAll("input"), function (input) { input.disabled = true; });
      fallback.hidden = true;
      each(chain.querySelectorAll("select"), function (select) { select.disabled = false; });
      chain.hidden = false;
    });
  }

  function isLevelSelect(elt) {
    return elt && elt.matches && elt.matches("select[data-division-level]");
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!isLevelSelect(select)) { return; }
    var level = Number(select.getAttribute("data-division-level"));
    var picker = select.closest("[data-division-picker]");
    // Deeper levels no longer match the new choice; keep only their placeholder.
    each(picker.querySelectorAll("select[data-division-level]"), function (other) {
      if (Number(other.getAttribute("data-division-level")) > level) {
        other.length = 1;
        other.selectedIndex = 0;
      }
    });
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var select = event.detail.elt;
    if (!isLevelSelect(select)) { return; }
    if (!select.value) { event.preventDefault(); return; }
    // The children view takes ?parent=CODE, not the select's own field name.
    delete event.detail.parameters[select.name];
    event.detail.parameters.parent = select.value;
  });

  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
