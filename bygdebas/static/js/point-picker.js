// The event form's map: click where the event is to set its latitude and longitude; typing
// them moves the point. The fields stay, so without script (or without a pointer) the
// position is typed as before. Boundaries from our own GeoJSON; tiles only when configured.
(function () {
  "use strict";
  function number(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }
  function init() {
    var el = document.getElementById("point-picker");
    if (!el || !window.L) { return; }
    var lat = document.getElementById(el.dataset.latInput);
    var lon = document.getElementById(el.dataset.lonInput);
    if (!lat || !lon) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var point = null;
    function show(latlng) {
      if (point) { point.setLatLng(latlng); return; }
      point = L.circleMarker(latlng, {
        radius: 9, color: "#8a4b00", weight: 3, fillColor: "#ffbf47", fillOpacity: 0.9,
        className: "point-picker-marker", interactive: false
      }).addTo(map);
    }
    function fromFields() {
      var a = number(lat), b = number(lon);
      if (a === null || b === null) { return null; }
      var latlng = L.latLng(a, b);
      show(latlng);
      return latlng;
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        // Not interactive: a click anywhere, also inside a municipality, is the map's.
        var boundaries = L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            var own = feature.properties.in_network;
            return { color: "#1f5f3a", weight: own ? 2 : 1, fillColor: own ? "#4f9a6a" : "#c9d3cc", fillOpacity: own ? 0.3 : 0.15 };
          }
        });
        // The view first: vector layers need it before they are added.
        var a = number(lat), b = number(lon);
        if (a !== null && b !== null) { map.setView([a, b], 12); } else { map.fitBounds(boundaries.getBounds()); }
        boundaries.addTo(map);
        fromFields();
      });
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(5);
      lon.value = event.latlng.lng.toFixed(5);
      show(event.latlng);
      point.bringToFront();
    });
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
