// The registry's map: municipality boundaries shaded by how many of the listed organisations
// they hold, each municipality labelled with its count, and a dot for each organisation with a
// position. The page's table holds the same counts for readers without JavaScript.
(function () {
  "use strict";
  var SHADES = ["#eef4f0", "#cfe3d6", "#a3cbb1", "#6fae86", "#3f8a5c", "#1f5f3a"];

  function shade(count, max) {
    if (!count) { return SHADES[0]; }
    var step = Math.ceil((count / max) * (SHADES.length - 1));
    return SHADES[Math.min(Math.max(step, 1), SHADES.length - 1)];
  }

  // Leaflet puts a string tooltip or popup in place as HTML; a text node is only ever text.
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
    var el = document.getElementById("members-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var word = el.dataset.labelCount || "";
    Promise.all([getJSON(el.dataset.geojson), getJSON(el.dataset.points)]).then(function (results) {
      var geo = results[0], data = results[1];
      var counts = data.municipalities || {};
      var labelled = [];
      // Labels that would overlap give way, the smaller counts first, so that the ones shown
      // can be read; zooming in makes room for more. The table below the map has them all.
      function declutter() {
        var kept = [];
        labelled.slice().sort(function (a, b) { return b.count - a.count; }).forEach(function (item) {
          var element = item.layer.getTooltip().getElement();
          if (!element) { return; }
          element.classList.remove("map-label-hidden");
          var box = element.getBoundingClientRect();
          var clash = kept.some(function (other) {
            return box.left < other.right && other.left < box.right &&
              box.top < other.bottom && other.top < box.bottom;
          });
          if (clash) { element.classList.add("map-label-hidden"); } else { kept.push(box); }
        });
      }
      map.on("zoomend moveend", function () { window.setTimeout(declutter, 0); });
      var max = 1;
      Object.keys(counts).forEach(function (code) { max = Math.max(max, counts[code]); });
      var boundaries = L.geoJSON(geo, {
        style: function (feature) {
          var p = feature.properties;
          return {
            color: "#1f5f3a",
            weight: p.in_network ? 2 : 1,
            fillColor: p.in_network ? shade(counts[p.code] || 0, max) : "#f2f2f2",
            fillOpacity: p.in_network ? 0.75 : 0.3
          };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          if (!p.in_network && !counts[p.code]) { return; }
          layer.bindTooltip(text(p.name + ": " + (counts[p.code] || 0) + " " + word),
            { permanent: true, direction: "center", className: "map-count-label" });
          labelled.push({ layer: layer, count: counts[p.code] || 0 });
          // A label that gave way shows while the pointer is over its municipality.
          layer.on("mouseover", function () {
            var element = layer.getTooltip().getElement();
            if (element) { element.classList.remove("map-label-hidden"); }
          });
          layer.on("mouseout", declutter);
        }
      }).addTo(map);
      // Each organisation is [id, name, latitude, longitude]; its page is data.url with the id for 0.
      var renderer = L.canvas();
      (data.organisations || []).forEach(function (org) {
        var marker = L.circleMarker([org[2], org[3]], {
          renderer: renderer, radius: 5, color: "#8a4b00", weight: 1, fillColor: "#ffbf47", fillOpacity: 0.9
        }).addTo(map);
        var link = document.createElement("a");
        link.href = data.url.replace("/0/", "/" + org[0] + "/");
        link.textContent = org[1];
        marker.bindPopup(link);
      });
      var bounds = boundaries.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([59.27, 15.21], 8); }
      declutter();
    }).catch(function () { el.hidden = true; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
