// The report form's map: click where the problem is to fill in the latitude and longitude (the
// fields stay, so without script the municipality and place are typed instead); then ask the
// server for reports of the same category nearby ("is it one of these?").
(function () {
  "use strict";
  function number(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }
  function init() {
    var el = document.getElementById("report-picker");
    if (!el || !window.L) { return; }
    var lat = document.getElementById(el.dataset.latInput);
    var lon = document.getElementById(el.dataset.lonInput);
    var category = document.getElementById(el.dataset.categoryInput);
    var nearby = document.getElementById("nearby");
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
    function ask() {
      var a = number(lat), b = number(lon);
      if (a === null || b === null || !category.value) { return; }
      var url = el.dataset.nearby + "?category=" + encodeURIComponent(category.value) + "&lat=" + a + "&lon=" + b;
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          // Our own server's fragment, rendered with autoescaping.
          var doc = new DOMParser().parseFromString(html, "text/html");
          nearby.replaceChildren.apply(nearby, Array.prototype.slice.call(doc.body.childNodes));
        });
    }
    function fromFields() {
      var a = number(lat), b = number(lon);
      if (a === null || b === null) { return; }
      show(L.latLng(a, b));
      ask();
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var boundaries = L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            var own = feature.properties.in_network;
            return { color: "#1f5f3a", weight: own ? 2 : 1, fillColor: own ? "#4f9a6a" : "#c9d3cc", fillOpacity: own ? 0.3 : 0.15 };
          }
        });
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
      ask();
    });
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    category.addEventListener("change", ask);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
