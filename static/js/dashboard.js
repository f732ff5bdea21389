// The dashboard's charts: ECharts over the server's figures (passed with json_script).
// The tables beside each chart carry the same numbers, so the page works without this file.
(function () {
  "use strict";

  function option(spec) {
    var stacked = spec.kind === "stacked_bar";
    var yAxis = [{ type: "value" }];
    if (spec.pass_line != null) {
      // keep the pass line on the chart even when every site is below it
      yAxis[0].max = function (value) { return Math.max(value.max, spec.pass_line); };
    }
    if (spec.dual_axis) {
      yAxis.push({ type: "value", splitLine: { show: false } });
    }
    return {
      animation: false,  // drawn at once: printing and screenshots see the final chart
      color: spec.colors || ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc", "#b4141e"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 30 : 0 } },
      yAxis: yAxis,
      series: spec.series.map(function (s, i) {
        return {
          name: s.name,
          type: "bar",
          stack: stacked ? "total" : undefined,
          yAxisIndex: spec.dual_axis ? i : 0,
          data: s.data,
          emphasis: { focus: "series" },
          markLine: spec.pass_line != null && i === 0 ? {
            symbol: "none",
            lineStyle: { color: "#dc3545", type: "dashed" },
            label: { formatter: spec.pass_label + " " + spec.pass_line, position: "insideEndTop" },
            data: [{ yAxis: spec.pass_line }]
          } : undefined
        };
      })
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("qf-dashboard-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (!spec || !spec.categories.length) {
        return;
      }
      el.classList.remove("d-none");
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  });
})();
