/* Analytics charts (ECharts from /static/vendor/), fed by the page's #analytics-data JSON.
 * Values arrive published by the server; the charts only draw. */
(function () {
  "use strict";

  function base() {
    return {
      animationDuration: 300,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 48, right: 24, top: 56, bottom: 36, containLabel: true },
      legend: { type: "scroll", top: 0 },
      tooltip: { trigger: "axis" }
    };
  }

  function lines(months, named, extra) {
    return Object.keys(named).map(function (name) {
      return { name: name, type: "line", connectNulls: false, data: named[name] };
    }).concat(extra || []);
  }

  var builders = {
    dynamics: function (d) {
      var o = base();
      o.xAxis = { type: "category", data: d.months };
      o.yAxis = { type: "value", inverse: true, min: 0, max: 100, name: d.text.position };
      o.series = lines(d.months, d.dynamics);
      return o;
    },
    inflation: function (d) {
      var o = base();
      o.xAxis = { type: "category", data: d.months };
      o.yAxis = { type: "value", scale: true };
      o.series = lines(d.months, d.units, [{ name: d.text.district, type: "line",
        lineStyle: { width: 4, type: "dashed" }, data: d.district }]);
      return o;
    },
    calibration: function (d) {
      var o = base();
      o.legend = undefined;
      o.grid.top = 24;
      o.tooltip = { trigger: "item" };
      o.xAxis = { type: "category", data: d.boxes.map(function (b) { return b[0]; }),
                  axisLabel: { interval: 0, rotate: 30 } };
      o.yAxis = { type: "value", scale: true, name: d.text.score };
      o.series = [{ type: "boxplot", data: d.boxes.map(function (b) { return b.slice(1); }) }];
      return o;
    }
  };

  function start() {
    var source = document.getElementById("analytics-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-analytics]").forEach(function (el) {
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });
      chart.setOption(builders[el.getAttribute("data-analytics")](data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
