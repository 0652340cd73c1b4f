/* DSIP progressive enhancement only: every page works without this file.
   Loaded with `defer` from base.html (CSP script-src 'self': no inline scripts). */
(function () {
  "use strict";

  // After a failed submit, take keyboard and screen-reader users to the list
  // of problems; without a summary, to the first invalid field.
  function focusFirstProblem(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    var invalid = root.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  }

  // Links in the error summary: move focus into the field, not just scroll.
  function wireSummaryLinks(root) {
    root.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: "center" });
        }
      });
    });
  }

  function enhance(root) {
    focusFirstProblem(root);
    wireSummaryLinks(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The language switch deliberately has no auto-submit on change: WCAG
    // 3.2.2 forbids changing context just because a setting was chosen.
    enhance(document);
  });

  // htmx swaps in partials (e.g. a form returned with errors): enhance them too.
  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(event.target);
  });
})();
