/* CrowdGov app service worker (scope /app/). The app's own files come from the cache first, so
 * it starts without a network; the page itself is fetched fresh when possible. API requests are
 * not touched: the app decides what to do without an answer (its outbox keeps reports). */
const VERSION = '{{ version }}';
const CACHE = `crowdgov-app-${VERSION}`;
const FILES = {{ files|safe }};

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('crowdgov-app-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/app')) {
    event.respondWith(fetch(request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(CACHE).then((cache) => cache.put('/app/', copy));
      return response;
    }).catch(() => caches.match('/app/')));
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
