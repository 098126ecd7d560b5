/* Starts the maps of a public page. The page describes each map in data attributes
 * (data-crowdmap = "explore" | "small", data-config = JSON, data-filters = the filter
 * form's id) because the Content-Security-Policy forbids inline scripts. */
(function () {
  'use strict';
  function start() {
    var maps = document.querySelectorAll('[data-crowdmap]');
    Array.prototype.forEach.call(maps, function (el) {
      var config = JSON.parse(el.getAttribute('data-config'));
      if (el.getAttribute('data-crowdmap') === 'explore') {
        window.CrowdMap.explore(el, document.getElementById(el.getAttribute('data-filters')), config);
      } else {
        window.CrowdMap.small(el, config);
      }
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
