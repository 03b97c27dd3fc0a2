// On a page that embeds Bygdebas widgets: resize each iframe marked data-bygdebas-widget to
// the height its content reports. Without this script the iframe keeps its fixed height.
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "bygdebas:height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-bygdebas-widget]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(80, Math.min(data.height, 5000)) + "px";
      }
    }
  });
})();
