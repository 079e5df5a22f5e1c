/* kscity finance page: stack bar, cash flows by year, tornado, loss distribution per tranche (PIS and GIF).
   Data and translated labels come from the #finance-data JSON the server renders; ECharts is vendored. */
(function () {
  "use strict";

  function init(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    new ResizeObserver(function () { chart.resize(); }).observe(el);
    return chart;
  }

  function millions(x) { return Math.round(x / 1e4) / 100; }

  function stackChart(flows, ko) {
    var chart = init("chart-stack");
    if (!chart || !flows) { return; }
    var lines = flows.stack.lines;
    chart.setOption({
      tooltip: { trigger: "item", valueFormatter: function (v) { return (v * 100).toFixed(1) + " %"; } },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 10, right: 10, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return v * 100 + " %"; } } },
      yAxis: { type: "category", data: [""] },
      series: lines.map(function (ln) {
        return { name: ko ? ln.name.ko : ln.name.en, type: "bar", stack: "total", data: [ln.share],
                 label: { show: ln.share > 0.06, formatter: function (p) { return (p.value * 100).toFixed(0) + "%"; } } };
      })
    });
  }

  function cashflowChart(flows, L) {
    var chart = init("chart-cashflow");
    if (!chart || !flows) { return; }
    var n = flows.years.length, ds = [];
    for (var i = 0; i < n; i++) {
      var s = 0;
      Object.keys(flows.debt_service).forEach(function (k) { s += flows.debt_service[k][i]; });
      ds.push(-millions(s));
    }
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 10, right: 10, top: 30, bottom: 40, containLabel: true },
      xAxis: { type: "category", name: L.year, data: flows.years },
      yAxis: [{ type: "value", name: L.usd_m }, { type: "value", name: L.dscr, splitLine: { show: false } }],
      series: [
        { name: L.capex, type: "bar", stack: "out", data: flows.capex.map(function (x) { return -millions(x); }) },
        { name: L.debt_service, type: "bar", stack: "out", data: ds },
        { name: L.cfads, type: "bar", data: flows.cfads.map(millions) },
        { name: L.dscr, type: "line", yAxisIndex: 1, data: flows.dscr.map(function (x) { return x === null ? null : Math.round(x * 100) / 100; }) }
      ]
    });
  }

  function tornadoChart(flows, L) {
    var chart = init("chart-tornado");
    if (!chart || !flows) { return; }
    var base = flows.summary.equity_npv_usd;
    var rows = flows.sensitivity.slice().sort(function (a, b) {
      return Math.abs(a.high_equity_npv - a.low_equity_npv) - Math.abs(b.high_equity_npv - b.low_equity_npv);
    });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 10, right: 20, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "value", name: L.equity_npv },
      yAxis: { type: "category", data: rows.map(function (r) { return L[r.variable] || r.variable; }) },
      series: [
        { name: L.low, type: "bar", stack: "d", data: rows.map(function (r) { return millions(r.low_equity_npv - base); }) },
        { name: L.high, type: "bar", stack: "d", data: rows.map(function (r) { return millions(r.high_equity_npv - base); }) }
      ]
    });
  }

  function lossChart(id, fund, key, L) {
    var chart = init(id);
    if (!chart || !fund) { return; }
    var paths = fund.parameters.paths;
    var tranches = fund[key].tranches;
    var bins = tranches[0].loss_histogram.length;
    var cats = [];
    for (var b = 0; b < bins; b++) { cats.push(((b + 0.5) / bins * 100).toFixed(0) + "%"); }
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return (v * 100).toFixed(2) + " %"; } },
      legend: { bottom: 0 },
      grid: { left: 10, right: 10, top: 30, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: cats, name: "% " },
      yAxis: { type: "log", name: L.probability, min: 1 / paths },
      series: tranches.map(function (t) {
        return { name: L[t.name] || t.name, type: "bar",
                 data: t.loss_histogram.map(function (c) { return c > 0 ? c / paths : null; }) };
      })
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("finance-data");
    if (!node) { return; }
    var data = JSON.parse(node.textContent), L = data.labels, ko = data.names.ko;
    stackChart(data.flows, ko);
    cashflowChart(data.flows, L);
    tornadoChart(data.flows, L);
    lossChart("chart-pis", data.fund, "pis", L);
    lossChart("chart-gif", data.fund, "gif", L);
  });
})();
