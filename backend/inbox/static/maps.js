// Leaflet maps of the staff pages. Without a tile URL the map shows only our own
// shapes on a plain background, so it works offline.
(function () {
  "use strict";
  function base(el) {
    var map = L.map(el, { scrollWheelZoom: false, keyboard: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map); }
    return map;
  }
  var reportMap = document.getElementById("report-map");
  if (reportMap) {
    var lat = parseFloat(reportMap.getAttribute("data-lat"));
    var lng = parseFloat(reportMap.getAttribute("data-long"));
    var map = base(reportMap);
    var points = JSON.parse(reportMap.getAttribute("data-points") || "[]");
    var bounds = L.latLngBounds([[lat, lng]]);
    L.circle([lat, lng], { radius: 300, color: "#8aa1bd", weight: 1, fill: false, dashArray: "4 4" }).addTo(map);
    points.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.long], { radius: 7, color: "#1f5fae", weight: 2, fillOpacity: .5 }).addTo(map);
      m.bindPopup('<a href="' + p.url + '">CG-' + String(p.id).padStart(6, "0") + "</a> · " + p.status);
      bounds.extend([p.lat, p.long]);
    });
    L.circleMarker([lat, lng], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: .8 }).addTo(map);
    map.fitBounds(bounds.pad(0.3), { maxZoom: 17 });
    if (!points.length) { map.setView([lat, lng], 16); }
  }
  var areaMap = document.getElementById("area-map");
  if (areaMap) {
    var amap = base(areaMap);
    var shape = L.geoJSON(JSON.parse(areaMap.getAttribute("data-geojson")), { style: { color: "#1f5fae", weight: 2, fillOpacity: .2 } }).addTo(amap);
    var previous = areaMap.getAttribute("data-previous");
    if (previous) {
      L.geoJSON(JSON.parse(previous), { style: { color: "#555", weight: 2, dashArray: "6 4", fill: false } }).addTo(amap);
    }
    amap.fitBounds(shape.getBounds().pad(0.1));
  }
})();
