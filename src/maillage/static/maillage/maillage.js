// Maps drawn from our own GeoJSON (no tile server needed); a tile layer only when configured.
// A map is a <div class="maillage-map" data-geojson-url="…" or data-geojson-script="id">.
(function () {
  "use strict";

  function draw(element, data) {
    var map = L.map(element, { scrollWheelZoom: false });
    var tiles = element.dataset.tileUrl;
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    if (element.dataset.attribution) {
      map.attributionControl.addAttribution(element.dataset.attribution);
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var fill = feature.properties && feature.properties.fill;
        return fill ? { color: "#555", weight: 0.5, fillColor: fill, fillOpacity: 0.8 }
                    : { color: "#000091", weight: 1, fillColor: "#6a6af4", fillOpacity: 0.25 };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#000091" });
      },
      onEachFeature: function (feature, featureLayer) {
        var p = feature.properties || {};
        if (p.url) {
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name + " (" + p.code + ")";
          var box = document.createElement("div");
          box.appendChild(link);
          if (p.value !== undefined) {
            var line = document.createElement("p");
            line.textContent = (element.dataset.valueLabel || "") + " " + p.value +
              (p.class_label ? " — " + p.class_label : "") +
              (p.reference !== undefined && p.reference !== null ? " — DREES : " + p.reference : "");
            box.appendChild(line);
          }
          featureLayer.bindPopup(box);
        }
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([43.6, 2.4], 7); }
    if (element.dataset.clickUrl) {
      map.on("click", function (event) {
        if (event.originalEvent && event.originalEvent.target.closest(".leaflet-interactive")) { return; }
        window.location = element.dataset.clickUrl + "?lat=" + event.latlng.lat.toFixed(5) +
          "&lon=" + event.latlng.lng.toFixed(5);
      });
    }
  }

  function init() {
    document.querySelectorAll(".maillage-map").forEach(function (element) {
      if (element.dataset.geojsonScript) {
        draw(element, JSON.parse(document.getElementById(element.dataset.geojsonScript).textContent));
      } else if (element.dataset.geojsonUrl) {
        fetch(element.dataset.geojsonUrl).then(function (r) { return r.json(); })
          .then(function (data) { draw(element, data); });
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
