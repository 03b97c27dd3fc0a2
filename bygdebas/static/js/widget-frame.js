// Inside a widget's iframe: tell the embedding page how tall the content is, so that its
// script (widget-embed.js) can size the iframe. Only a number is sent, to any parent.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function send() {
    // The content's own height (scrollHeight never goes below the iframe's), so that the
    // iframe can shrink as well as grow.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "bygdebas:height", height: height }, "*");
  }
  window.addEventListener("load", send);
  if ("ResizeObserver" in window) new ResizeObserver(send).observe(document.body);
  send();
})();
