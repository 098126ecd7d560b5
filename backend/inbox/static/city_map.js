// The coordinators' city map: crowdmap.js with the staff config read from a JSON block
// (no inline script: the pages run under a strict Content-Security-Policy).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.CrowdMap) { return; }
  var config = JSON.parse(document.getElementById(el.getAttribute("data-config-id")).textContent);
  window.CrowdMap.explore(el, document.getElementById("map-filters"), config);
})();
