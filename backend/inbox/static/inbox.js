// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Bulk selection: select all, live count, the submit button enabled only with a selection.
  var bulk = document.getElementById("bulk");
  if (bulk) {
    var boxes = function () { return document.querySelectorAll('input[name="ids"][form="bulk"]'); };
    var counter = bulk.querySelector(".selected-count");
    var submit = bulk.querySelector("[data-needs-selection]");
    var update = function () {
      var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
      counter.textContent = counter.getAttribute("data-template").replace("{n}", n);
      submit.disabled = n === 0;
    };
    document.addEventListener("change", function (e) {
      if (e.target.id === "select-all") {
        boxes().forEach(function (b) { b.checked = e.target.checked; });
      }
      if (e.target.id === "select-all" || e.target.name === "ids") { update(); }
    });
    // Show only the fields the chosen action uses.
    var action = document.getElementById("bulk-action");
    var fields = bulk.querySelectorAll("[data-for-actions]");
    var toggle = function () {
      fields.forEach(function (f) {
        f.hidden = f.getAttribute("data-for-actions").split(" ").indexOf(action.value) < 0;
      });
    };
    action.addEventListener("change", toggle);
    toggle();
    update();
  }
  // A response template fills the note (staff may still edit it).
  document.querySelectorAll(".template-picker").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-target"));
      if (target && option) { target.value = option.getAttribute("data-text") || ""; }
    });
  });
})();
