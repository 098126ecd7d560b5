/* CrowdGov maps: the public map (/explore), a report's small map, and — with another
 * config — the coordinators' staff map. Needs Leaflet and Leaflet.markercluster (served
 * by the app from their Python packages). The server aggregates; this file only draws.
 *
 * config: {reportsUrl, areasUrl, districtsUrl, reportUrl ("/r/{id}"), tileUrl, tileAttribution, bounds,
 *          statuses {value: {label, colour}}, categories {id: name}, departments, text {...}}
 * The map element gets data-mode, data-total and data-loads (a counter) after each load,
 * which tests and other scripts can wait on.
 */
(function () {
  'use strict';
  var CrowdMap = {};
  var AREA_COLOURS = ['#2563eb', '#7c3aed', '#0d9488', '#c026d3', '#0891b2', '#4f46e5', '#65a30d'];

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function baseMap(el, config, options) {
    // markercluster needs a maxZoom even when no tile layer gives one.
    var map = L.map(el, Object.assign({maxZoom: 19, minZoom: 3}, options || {}));
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, {attribution: config.tileAttribution || '', maxZoom: 19}).addTo(map);
    } else {
      // No tiles configured: a plain background, so the map works offline.
      el.classList.add('plain-basemap');
    }
    return map;
  }

  function areasLayer(config, map, onReady) {
    var layer = L.geoJSON(null, {
      style: function (f) {
        var colour = AREA_COLOURS[(f.properties.department_id || 0) % AREA_COLOURS.length];
        return {color: colour, weight: 1.5, opacity: 0.8, fillOpacity: 0.04, className: 'cg-area', interactive: false};
      }
    });
    fetch(config.areasUrl, {headers: {Accept: 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (data) { layer.addData(data); if (onReady) onReady(layer, data); });
    return layer;
  }

  /* Districts drawn and named, so a map without tiles still says where it is. */
  function districtsLayer(config, map) {
    var layer = L.layerGroup();
    if (!config.districtsUrl) return layer;
    // Names above the markers (they let clicks through), outlines below them.
    if (!map.getPane('cg-labels')) {
      map.createPane('cg-labels');
      map.getPane('cg-labels').style.zIndex = 640;
      map.getPane('cg-labels').style.pointerEvents = 'none';
    }
    fetch(config.districtsUrl, {headers: {Accept: 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.features.forEach(function (f) {
          L.geoJSON(f, {style: {color: '#475569', weight: 1.2, opacity: 0.75, dashArray: '5 4', fill: false,
                                className: 'cg-district', interactive: false}}).addTo(layer);
          var label = L.marker([f.properties.label[0], f.properties.label[1]], {
            icon: L.divIcon({className: 'cg-district-label', html: '<span></span>', iconSize: [0, 0]}), interactive: false,
            keyboard: false, pane: 'cg-labels'});
          // The name goes in as text whenever the label is drawn (a divIcon's html would be markup); centred
          // inside the icon, whose own transform is Leaflet's.
          label.on('add', function () { label.getElement().firstChild.textContent = f.properties.name; });
          label.addTo(layer);
        });
      });
    return layer;
  }

  /* The status colours, explained. */
  function legend(config) {
    var control = L.control({position: 'bottomleft'});
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'cg-legend');
      var title = L.DomUtil.create('p', 'cg-legend-title', box);
      title.textContent = config.text.legend || '';
      (config.statusOrder || Object.keys(config.statuses)).forEach(function (code) {
        var row = L.DomUtil.create('p', 'cg-legend-row', box);
        var dot = L.DomUtil.create('span', 'cg-legend-dot', row);
        dot.style.background = config.statuses[code].colour;
        row.appendChild(document.createTextNode(config.statuses[code].label));
      });
      var cluster = L.DomUtil.create('p', 'cg-legend-row', box);
      L.DomUtil.create('span', 'cg-legend-dot cg-legend-cluster', cluster);
      cluster.appendChild(document.createTextNode(config.text.cluster || ''));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function cardHtml(config, p) {
    var status = config.statuses[p.status] || {label: p.status, colour: '#666'};
    var url = config.reportUrl.replace('{id}', p.id);
    return '<div class="cg-card">' +
      '<p class="cg-card-id">' + escapeHtml(config.text.report) + ' #' + p.id + '</p>' +
      '<h3>' + escapeHtml(config.categories[p.category] || '') + '</h3>' +
      '<p><span class="status-pill" style="--c:' + status.colour + '">' + escapeHtml(status.label) + '</span>' +
      (p.verified ? ' <span class="badge ok">✓ ' + escapeHtml(config.text.verified) + '</span>' : '') + '</p>' +
      '<p><a class="cg-card-link" href="' + url + '">' + escapeHtml(config.text.open) + ' →</a></p></div>';
  }

  function clusterIcon(count) {
    var size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
    var px = count < 10 ? 34 : count < 100 ? 40 : count < 1000 ? 46 : 54;
    return L.divIcon({html: '<div><span>' + count + '</span></div>', iconSize: [px, px],
                      className: 'marker-cluster marker-cluster-' + size + ' cg-cluster'});
  }

  function pointIcon(config, status) {
    var colour = (config.statuses[status] || {}).colour || '#666';
    return L.divIcon({html: '<span style="background:' + colour + '"></span>', iconSize: [18, 18],
                      className: 'cg-point cg-status-' + status});
  }

  function heatColour(share) {
    // light yellow → orange → deep red as the cell's share of the busiest cell grows
    var stops = [[255, 237, 160], [254, 178, 76], [240, 59, 32], [150, 0, 38]];
    var t = Math.max(0, Math.min(1, share)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + (stops[i + 1][k] - v) * f); });
    return 'rgb(' + c.join(',') + ')';
  }

  function formParams(form) {
    var params = new URLSearchParams();
    if (!form) return params;
    new FormData(form).forEach(function (value, key) { if (value !== '') params.set(key, value); });
    return params;
  }

  /* The reports layer: fetches the aggregated reports for the viewport and draws them. */
  function reportsLayer(map, el, config, getParams) {
    var group = L.layerGroup().addTo(map);
    var pins = L.markerClusterGroup({maxClusterRadius: 24, showCoverageOnHover: false,
                                     spiderfyOnMaxZoom: true, disableClusteringAtZoom: 19});
    var controller = null, loads = 0;

    function draw(data) {
      group.clearLayers();
      pins.clearLayers();
      if (data.mode === 'points') {
        data.points.forEach(function (row) {
          var p = {id: row[0], lat: row[1], long: row[2], status: row[3], category: row[4], verified: row[5]};
          var marker = L.marker([p.lat, p.long], {icon: pointIcon(config, p.status), title: '#' + p.id});
          marker.bindPopup(function () { return cardHtml(config, p); }, {className: 'cg-popup', maxWidth: 260});
          pins.addLayer(marker);
        });
        group.addLayer(pins);
      } else if (data.view === 'heat') {
        var dx = data.cell[0], dy = data.cell[1];
        var busiest = data.clusters.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
        data.clusters.forEach(function (c) {
          var share = Math.log(1 + c[2]) / Math.log(1 + busiest);
          // cell [gx·dx, (gx+1)·dx) × [gy·dy, (gy+1)·dy)
          var bounds = [[c[4] * dy, c[3] * dx], [(c[4] + 1) * dy, (c[3] + 1) * dx]];
          L.rectangle(bounds, {stroke: false, fillColor: heatColour(share), fillOpacity: 0.35 + 0.45 * share,
                               className: 'cg-heat'})
            .bindTooltip(c[2] + ' ' + config.text.reports).addTo(group);
        });
      } else {
        data.clusters.forEach(function (c) {
          var marker = L.marker([c[0], c[1]], {icon: clusterIcon(c[2]), title: c[2] + ' ' + config.text.reports});
          marker.on('click', function () { map.setView([c[0], c[1]], Math.min(map.getZoom() + 2, 19)); });
          group.addLayer(marker);
        });
      }
      el.dataset.mode = data.view === 'heat' ? 'heat' : data.mode;
      el.dataset.total = data.total;
      el.dataset.loads = ++loads;
      el.dispatchEvent(new CustomEvent('crowdmap:loaded', {detail: data}));
    }

    function load() {
      if (controller) controller.abort();
      controller = new AbortController();
      var params = getParams();
      var b = map.getBounds().pad(0.1);
      var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
      params.set('bbox', [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
                          clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map(function (v) { return v.toFixed(5); }).join(','));
      params.set('zoom', map.getZoom());
      var view = params.get('view');
      return fetch(config.reportsUrl + '?' + params.toString(), {signal: controller.signal, headers: {Accept: 'application/json'}})
        .then(function (r) { return r.json(); })
        .then(function (data) { data.view = view; draw(data); })
        .catch(function (err) { if (err.name !== 'AbortError') throw err; });
    }

    map.on('moveend', load);
    return {load: load, group: group};
  }

  function hashView() {
    var m = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
    return m ? {zoom: +m[1], center: [+m[2], +m[3]]} : null;
  }

  /* The filters live in the query string (and the view in the hash), so a view can be shared. */
  function formFromUrl(form) {
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || !params.has(input.name)) return;
      if (input.type === 'checkbox') input.checked = params.get(input.name) === input.value;
      else input.value = params.get(input.name);
    });
  }

  function urlFromForm(form) {
    var query = formParams(form).toString();
    history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
  }

  CrowdMap.explore = function (el, form, config, options) {
    options = options || {};
    formFromUrl(form);
    var map = baseMap(el, config, {zoomControl: true});
    var start = hashView();
    if (start) map.setView(start.center, start.zoom);
    else if (config.bounds) map.fitBounds(config.bounds);
    else map.setView([0, 0], 2);

    var areas = areasLayer(config, map);
    areas.addTo(map);
    var districts = districtsLayer(config, map);
    districts.addTo(map);
    var reports = reportsLayer(map, el, config, function () { return formParams(form); });
    L.control.layers(null, (function () {
      var o = {}; o[config.text.areas || 'Areas'] = areas; o[config.text.districts || 'Districts'] = districts;
      o[config.text.reports] = reports.group; return o;
    })(), {collapsed: true}).addTo(map);
    legend(config).addTo(map);

    var total = document.getElementById(options.totalId || 'map-total');
    el.addEventListener('crowdmap:loaded', function (e) {
      if (total) total.textContent = e.detail.total + ' ' + config.text.reports +
        (e.detail.mode === 'clusters' && e.detail.view !== 'heat' ? ' · ' + config.text.zoomIn : '');
    });
    map.on('moveend', function () {
      var c = map.getCenter();
      history.replaceState(null, '', window.location.pathname + window.location.search +
                           '#' + map.getZoom() + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5));
    });
    if (form) {
      form.addEventListener('change', function () { urlFromForm(form); reports.load(); });
      form.addEventListener('submit', function (e) { e.preventDefault(); reports.load(); });
    }
    reports.load();
    el._crowdmap = {map: map, reload: reports.load, areas: areas, districts: districts};
    return el._crowdmap;
  };

  CrowdMap.small = function (el, config) {
    var lat = parseFloat(el.dataset.lat), long = parseFloat(el.dataset.long);
    var map = baseMap(el, config, {zoomControl: true, scrollWheelZoom: false, attributionControl: !!config.tileUrl});
    areasLayer(config, map).addTo(map);
    districtsLayer(config, map).addTo(map);
    var colour = ((config.statuses || {})[el.dataset.status] || {}).colour || '#dc2626';
    if (el.dataset.coarse === 'true') {
      // Only the ~250 m cell is known to the public: draw the cell, not a pin.
      var half = 0.00125;
      L.rectangle([[lat - half, long - half], [lat + half, long + half]],
                  {color: colour, weight: 2, fillOpacity: 0.2, className: 'cg-coarse'}).addTo(map);
      map.setView([lat, long], 15);
    } else {
      L.marker([lat, long], {icon: L.divIcon({className: 'cg-point cg-here cg-status-' + el.dataset.status,
                                              html: '<span style="background:' + colour + '"></span>', iconSize: [22, 22]})}).addTo(map);
      map.setView([lat, long], 16);
    }
    el._crowdmap = {map: map};
    return el._crowdmap;
  };

  window.CrowdMap = CrowdMap;
})();
