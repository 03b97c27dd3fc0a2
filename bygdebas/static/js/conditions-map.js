// Landsbygdsläget's maps: municipality boundaries from our own GeoJSON (tiles only when
// configured), then either the published reports in the view's bounding box (reloaded as the
// map moves) or the staff's meeting points. Labels are text nodes, never HTML.
(function () {
  "use strict";
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  function link(label, href) {
    var a = document.createElement("a");
    a.textContent = label;
    a.href = href;
    return a;
  }
  function base(el) {
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            var own = feature.properties.in_network;
            return { color: "#1f5f3a", weight: own ? 2 : 1, fillColor: own ? "#4f9a6a" : "#c9d3cc", fillOpacity: own ? 0.25 : 0.1 };
          }
        });
        map.fitBounds(layer.getBounds());
        layer.addTo(map);
        return map;
      });
  }
  var COLOURS = { open: "#b3261e", sent: "#8a4b00", answered: "#1f4f8a", fixed: "#1f5f3a", not_ours: "#555" };
  function reports(el) {
    base(el).then(function (map) {
      var layer = L.layerGroup().addTo(map);
      var source = el.dataset.reports;
      var detail = el.dataset.detail;
      function load() {
        var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "bbox=" + map.getBounds().toBBoxString();
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            layer.clearLayers();
            data.features.forEach(function (f) {
              var c = f.geometry.coordinates;
              L.circleMarker([c[1], c[0]], {
                radius: 7, color: COLOURS[f.properties.s] || "#333", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.9,
                className: "report-marker"
              }).bindPopup(link(f.properties.t, detail.replace("/0/", "/" + f.id + "/"))).addTo(layer);
            });
          });
      }
      map.on("moveend", load);
      load();
    });
  }
  function points(el) {
    var data = JSON.parse(document.getElementById("preparedness-points").textContent);
    base(el).then(function (map) {
      data.forEach(function (p) {
        L.circleMarker([p.lat, p.lon], { radius: 8, color: "#1f4f8a", weight: 2, fillColor: "#9cc3ef", fillOpacity: 0.9 })
          .bindTooltip(text(p.name + (p.resources ? " – " + p.resources : ""))).addTo(map);
      });
    });
  }
  function init() {
    if (!window.L) { return; }
    var el = document.getElementById("reports-map");
    if (el) { reports(el); }
    el = document.getElementById("preparedness-map");
    if (el) { points(el); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
