// Draw the municipality boundaries from our own GeoJSON; tiles only when configured.
// With data-lat and data-lon the map also marks that point (an event's place) and centres on it.
(function () {
  "use strict";
  // Leaflet puts a string tooltip or popup in place as HTML; a text node is only ever text.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  function init() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: true });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var point = null;
    if (el.dataset.lat && el.dataset.lon) {
      point = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
      map.setView(point, 10);
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
            lyr.bindTooltip(text(p.name + (p.seat ? " (" + p.seat + ")" : "")));
          }
        }).addTo(map);
        if (point) {
          // Drawn after the boundaries so it stays on top; a circle needs no marker images.
          L.circleMarker(point, { radius: 9, color: "#8a4b00", weight: 3, fillColor: "#ffbf47", fillOpacity: 0.9 })
            .bindTooltip(text(el.dataset.label || ""), { permanent: false })
            .addTo(map);
        } else {
          map.fitBounds(layer.getBounds());
        }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
