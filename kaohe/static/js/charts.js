/* Kaohe's charts: ECharts (served from /static/vendor/) fed by the page's #chart-data JSON.
 * Every value arrives already published (rounded half up by the server); charts only draw. */
(function () {
  "use strict";

  var palette = ["#1f4e8c", "#2a9d8f", "#e76f51", "#8a5cc2", "#e9c46a", "#6c757d", "#d62828"];
  var fontFamily = getComputedStyle(document.body).fontFamily;

  function fixed(v) {
    return v === null || v === undefined ? "—" : Number(v).toFixed(2);
  }

  function base() {
    return {
      color: palette,
      animationDuration: 400,
      textStyle: { fontFamily: fontFamily },
      grid: { left: 48, right: 24, top: 40, bottom: 36, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: fixed }
    };
  }

  function trend(data) {
    var option = base();
    option.legend = { type: "scroll", top: 0 };
    option.grid.top = 48;
    option.xAxis = { type: "category", data: data.months };
    option.yAxis = { type: "value", scale: true };
    option.series = Object.keys(data.trend).map(function (category) {
      return { name: category, type: "line", connectNulls: false, data: data.trend[category] };
    });
    return option;
  }

  function bars(data, category) {
    var rows = (data.bars[category] || []).slice();
    var option = base();
    option.grid.left = 8;
    option.tooltip = { trigger: "item", valueFormatter: fixed };
    option.xAxis = { type: "value", scale: true };
    option.yAxis = { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }) };
    option.series = [{
      type: "bar",
      barMaxWidth: 22,
      name: data.text.score,
      data: rows.map(function (r) { return { value: r[1], code: r[2] }; }),
      label: { show: true, position: "right", formatter: function (p) { return fixed(p.value); } }
    }];
    return option;
  }

  function histogram(data) {
    var option = base();
    option.tooltip = { trigger: "axis" };
    option.xAxis = { type: "category", name: data.text.final, nameLocation: "center", nameGap: 28,
                     data: data.histogram.map(function (b) { return b[0]; }) };
    option.yAxis = { type: "value", minInterval: 1, name: data.text.cadres };
    option.series = [{ type: "bar", barCategoryGap: "5%", name: data.text.cadres,
                       data: data.histogram.map(function (b) { return b[1]; }) }];
    return option;
  }

  function rankScore(data) {
    var option = base();
    option.legend = { top: 0 };
    option.grid.right = 48;
    option.tooltip = { trigger: "axis" };
    option.xAxis = { type: "category", data: data.months };
    option.yAxis = [
      { type: "value", scale: true, name: data.text.score },
      { type: "value", inverse: true, minInterval: 1, min: 1, name: data.text.rank }
    ];
    option.series = [
      { name: data.text.score, type: "line", data: data.score,
        tooltip: { valueFormatter: fixed } },
      { name: data.text.rank, type: "line", yAxisIndex: 1, data: data.rank }
    ];
    return option;
  }

  var builders = { trend: trend, bars: bars, histogram: histogram, rankscore: rankScore };

  function draw(el, data) {
    var kind = el.getAttribute("data-chart");
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });
    var select = document.querySelector('[data-chart-select="' + kind + '"]');
    function show() {
      var value = select ? select.value : undefined;
      if (kind === "bars") {  // one bar per unit: the chart grows with the category
        var rows = (data.bars[value] || []).length;
        el.style.height = Math.max(180, rows * 28 + 70) + "px";
        chart.resize();
      }
      chart.setOption(builders[kind](data, value), { notMerge: true });
    }
    show();
    if (select) { select.addEventListener("change", show); }
    if (kind === "bars" && data.unit_url) {
      chart.on("click", function (p) {
        if (p.data && p.data.code) {
          window.location.href = data.unit_url.replace("__code__", encodeURIComponent(p.data.code));
        }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) { draw(el, data); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
