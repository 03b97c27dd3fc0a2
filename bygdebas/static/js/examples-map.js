// The catalogue's map: municipality boundaries from our own GeoJSON and a dot for each good
// example with a place, linking to its page. The list under the map holds the same examples
// for readers without JavaScript. Labels are text nodes, never HTML.
(function () {
  "use strict";
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }
  function init() {
    var el = document.getElementById("examples-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    Promise.all([getJSON(el.dataset.geojson), getJSON(el.dataset.points)]).then(function (results) {
      var boundaries = L.geoJSON(results[0], {
        style: function (feature) {
          var own = feature.properties.in_network;
          return { color: "#1f5f3a", weight: own ? 2 : 1, fillColor: own ? "#cfe3d6" : "#f2f2f2", fillOpacity: own ? 0.5 : 0.3 };
        }
      }).addTo(map);
      var examples = results[1].examples;
      // The view first: a marker added to a map without one cannot be drawn.
      if (examples.length) {
        var bounds = L.latLngBounds(examples.map(function (e) { return [e.lat, e.lon]; }));
        map.fitBounds(bounds.pad(0.3), { maxZoom: 11 });
      } else {
        map.fitBounds(boundaries.getBounds());
      }
      examples.forEach(function (example) {
        var dot = L.circleMarker([example.lat, example.lon], {
          radius: 8, color: "#8a4b00", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.95,
          className: "example-marker"
        });
        var link = document.createElement("a");
        link.href = example.url;
        link.textContent = example.title;
        var popup = document.createElement("div");
        popup.appendChild(link);
        if (example.place) { popup.appendChild(document.createElement("br")); popup.appendChild(text(example.place)); }
        dot.bindPopup(popup).bindTooltip(text(example.title));
        dot.addTo(map);
      });
      el.dataset.ready = "1";
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
