// After a failed submit the page starts with a summary of the errors (base.html): move focus
// there, so that keyboard and screen-reader users hear it first, and make each of its links
// focus its field (a plain in-page link only scrolls). Without script the summary is still the
// first thing in the page's content, and its links still lead to the fields.
(function () {
  "use strict";
  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      // Show the field's label (or legend) with it, then put the cursor in the field.
      var label = document.querySelector("label[for='" + field.id + "']");
      (field.closest("fieldset") || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
