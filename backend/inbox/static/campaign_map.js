// The campaign form's map: draw the area point by point (or see the uploaded one), with the
// departments' areas for orientation and, for a saved campaign, its task points. The drawn
// shape goes into the form's GeoJSON field; the server validates it (tasks/campaigns.py).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var ask = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) { e.preventDefault(); }
  });
  var el = document.getElementById("campaign-map");
  if (!el || !window.L) { return; }
  var field = document.getElementById("area-geojson");
  var locked = el.getAttribute("data-locked") === "true";
  var map = L.map(el, { keyboard: true, doubleClickZoom: false });
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map); }
  else { el.classList.add("plain-basemap"); }
  map.setView([0, 0], 2);

  var shape = L.geoJSON(null, { style: { color: "#b3261e", weight: 2, fillOpacity: 0.15 } }).addTo(map);
  var vertices = [], sketch = L.layerGroup().addTo(map);

  function showField() {
    shape.clearLayers();
    try { if (field.value.trim()) { shape.addData(JSON.parse(field.value)); } } catch (err) { return false; }
    return shape.getLayers().length > 0;
  }
  function redrawSketch() {
    sketch.clearLayers();
    if (vertices.length > 1) { L.polyline(vertices, { color: "#1f5fae", dashArray: "5 4" }).addTo(sketch); }
    vertices.forEach(function (v) {
      L.marker(v, { icon: L.divIcon({ className: "draw-vertex", iconSize: [10, 10] }), keyboard: false }).addTo(sketch);
    });
  }
  function finish() {
    if (vertices.length < 3) { return; }
    var ring = vertices.map(function (v) { return [+v.lng.toFixed(6), +v.lat.toFixed(6)]; });
    ring.push(ring[0]);
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    vertices = [];
    redrawSketch();
    showField();
  }
  if (!locked) {
    map.on("click", function (e) {
      if (!vertices.length) { shape.clearLayers(); }
      vertices.push(e.latlng);
      redrawSketch();
    });
    document.getElementById("draw-finish").addEventListener("click", finish);
    document.getElementById("draw-clear").addEventListener("click", function () {
      vertices = []; redrawSketch(); shape.clearLayers(); field.value = "";
    });
    field.addEventListener("change", showField);
  }

  var areas = L.geoJSON(null, { style: { color: "#555", weight: 1, dashArray: "4 3", fillOpacity: 0.03 }, interactive: false }).addTo(map);
  fetch(el.getAttribute("data-areas-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      areas.addData(data);
      if (showField()) { map.fitBounds(shape.getBounds().pad(0.2)); }
      else if (areas.getLayers().length) { map.fitBounds(areas.getBounds()); }
      el.setAttribute("data-ready", "true");
    });
  var pointsUrl = el.getAttribute("data-points-url");
  if (pointsUrl) {
    fetch(pointsUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (points) {
        points.forEach(function (p) {
          L.circleMarker([p.lat, p.long], { radius: 5, weight: 1, color: "#1f5fae",
            fillColor: p.answers ? "#1e7a44" : "#fff", fillOpacity: 0.9 }).addTo(map);
        });
        el.setAttribute("data-points", String(points.length));
      });
  }
})();
