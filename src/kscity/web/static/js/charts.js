/* kscity: draw every [data-ks-chart] element with ECharts from the JSON options beside it.
   Loaded by pages that fill the `echarts` block (see _macros.html: chart, echarts_assets). */
(function () {
  "use strict";
  var maps = {};

  function loadMap(name, url) {
    if (!name || !url) { return Promise.resolve(); }
    if (!maps[name]) {
      maps[name] = fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (geojson) { window.echarts.registerMap(name, geojson); });
    }
    return maps[name];
  }

  function draw(element) {
    if (element.dataset.ksDrawn || !window.echarts) { return; }
    var source = document.getElementById(element.dataset.ksChart);
    if (!source) { return; }
    element.dataset.ksDrawn = "1";
    var options = JSON.parse(source.textContent);
    loadMap(element.dataset.ksMapName, element.dataset.ksMapUrl).then(function () {
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(options);
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    });
  }

  function drawAll(root) {
    root.querySelectorAll("[data-ks-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
