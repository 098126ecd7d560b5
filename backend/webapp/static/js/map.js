// Leaflet maps for the app (Leaflet from its Python package, /vendor/leaflet/). Without a tile
// server the map is a plain background with the districts drawn and named, so it reads offline.
import { get } from './api.js';

const L = () => window.L;
let districtsCache = null;

export async function districts() {
  if (!districtsCache) {
    try {
      districtsCache = await get('/districts', null, { auth: false });
      localStorage.setItem('crowdgov.districts', JSON.stringify(districtsCache));
    } catch (_e) {
      districtsCache = JSON.parse(localStorage.getItem('crowdgov.districts') || '[]');
    }
  }
  return districtsCache;
}

export function baseMap(el, city, options = {}) {
  const map = L().map(el, { zoomControl: true, maxZoom: 19, minZoom: 9, attributionControl: Boolean(city.tile_url),
                            ...options });
  if (city.tile_url) {
    L().tileLayer(city.tile_url, { attribution: city.tile_attribution || '', maxZoom: 19 }).addTo(map);
  } else {
    el.classList.add('plain-basemap');
  }
  if (city.bounds) {
    map.fitBounds([[city.bounds.min_lat, city.bounds.min_long], [city.bounds.max_lat, city.bounds.max_long]]);
  } else {
    map.setView([31.23, 121.47], 12);
  }
  districts().then((list) => {
    list.forEach((d) => {
      L().geoJSON(d.outline, { style: { color: '#475569', weight: 1.2, opacity: 0.7, fillOpacity: 0.03, dashArray: '4 3' },
                               interactive: false }).addTo(map);
      // Leaflet places the icon with its own transform: the name is centred inside it, as text.
      L().marker([d.label_lat, d.label_long], {
        icon: L().divIcon({ className: 'district-label', html: '<span></span>', iconSize: [0, 0] }), interactive: false,
        keyboard: false,
      }).addTo(map).getElement().firstChild.textContent = d.name;
    });
  });
  return map;
}

export function pin(colour = '#1d4ed8') {
  return L().divIcon({ className: 'app-pin', html: `<span style="background:${colour}"></span>`, iconSize: [26, 26],
                       iconAnchor: [13, 26] });
}

// A map to choose a place: tap to move the pin. onPick({lat, long}) after each move.
export function placePicker(el, city, start, onPick) {
  const map = baseMap(el, city);
  let marker = null;
  const set = (lat, long, zoom) => {
    if (!marker) marker = L().marker([lat, long], { icon: pin(), keyboard: false }).addTo(map);
    marker.setLatLng([lat, long]);
    if (zoom) map.setView([lat, long], zoom);
  };
  if (start) set(start.lat, start.long, 16);
  map.on('click', (e) => {
    set(e.latlng.lat, e.latlng.lng);
    onPick({ lat: +e.latlng.lat.toFixed(6), long: +e.latlng.lng.toFixed(6) });
  });
  el._map = map;  // tests and other scripts can reach the map
  return { map, set };
}
