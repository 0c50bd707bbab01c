/* A filter box above each long list of country checkboxes (.country-picker), and the ticked
   countries listed first. Without JavaScript the list still works: it scrolls. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll(".country-picker").forEach(function (picker) {
    var list = picker.querySelector("[id$='wish_countries']");
    if (!list) { return; }
    var checks = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    checks.filter(function (item) { return item.querySelector("input").checked; })
      .reverse().forEach(function (item) { list.insertBefore(item, list.firstChild); });
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "form-control mb-2";
    filter.id = list.id + "-filtre";
    filter.placeholder = "Filtrer les pays (ex. : Canada)";
    filter.setAttribute("aria-label", "Filtrer les pays");
    filter.setAttribute("aria-controls", list.id);
    list.parentNode.insertBefore(filter, list);
    filter.addEventListener("input", function () {
      var wanted = fold(filter.value.trim());
      checks.forEach(function (item) {
        item.hidden = wanted !== "" && fold(item.textContent).indexOf(wanted) === -1;
      });
    });
  });
})();
