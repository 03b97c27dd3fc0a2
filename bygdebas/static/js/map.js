// Draw the municipality boundaries from our own GeoJSON; tiles only when configured.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: true });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (feature) {
            var own = feature.properties.in_network;
            return { color: "#1f5f3a", weight: own ? 2 : 1, fillColor: own ? "#4f9a6a" : "#c9d3cc", fillOpacity: own ? 0.45 : 0.25 };
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties;
            lyr.bindTooltip(p.name + (p.seat ? " (" + p.seat + ")" : ""));
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
