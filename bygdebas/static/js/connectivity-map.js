// The connectivity map: municipality boundaries from our own GeoJSON, a line between every pair
// of places with journeys (wider = more journeys per day, both ways) and a dot per place.
// No tiles unless configured. The same figures are in the matrix table, so the map is optional.
(function () {
  "use strict";
  // Leaflet puts a string tooltip or popup in place as HTML; a text node is only ever text.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); });
  }
  function init() {
    var el = document.getElementById("connectivity-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: true });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var label = el.dataset.journeysLabel || "";
    Promise.all([getJSON(el.dataset.geojson), getJSON(el.dataset.lines)]).then(function (data) {
      var result = data[1];
      var points = result.places.map(function (place) { return L.latLng(place.lat, place.lon); });
      // Vector layers need the map's view before they are added.
      if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.1)); }
      var boundaries = L.geoJSON(data[0], {
        style: function (feature) {
          var own = feature.properties.in_network;
          return { color: "#7d8f84", weight: 1, fillColor: own ? "#dcebe1" : "#eef1ef", fillOpacity: 0.6 };
        },
        onEachFeature: function (feature, layer) { layer.bindTooltip(text(feature.properties.name)); }
      });
      if (!points.length) { map.fitBounds(boundaries.getBounds()); }
      boundaries.addTo(map);
      result.lines.forEach(function (line) {
        L.polyline(line.coordinates, { color: "#1f5f3a", weight: line.weight, opacity: 0.75 })
          .bindTooltip(text(line.from + " – " + line.to + ": " + line.journeys + " " + label +
                            " (" + line.there + " + " + line.back + ")"))
          .addTo(map);
      });
      result.places.forEach(function (place, index) {
        L.circleMarker(points[index], {
          radius: 5, color: "#8a4b00", weight: 2,
          fillColor: place.stops ? "#ffbf47" : "#ffffff", fillOpacity: 1
        }).bindTooltip(text(place.name)).addTo(map);
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
