// 产业地图: parcels and buildings of one district, drawn by longitude/latitude (data-map, JSON).
(function () {
  function draw() {
    var el = document.getElementById("map-chart");
    if (!el || !window.echarts) return;
    var d = JSON.parse(el.getAttribute("data-map") || "{}");
    var colours = {"可供": "#2f7d32", "已预留": "#e08a00", "已使用": "#8a8a8a"};
    var groups = {};
    (d.points || []).forEach(function (p) {
      (groups[p.status] = groups[p.status] || []).push({name: p.name, value: [Number(p.lon), Number(p.lat), Number(p.area)], kind: p.kind});
    });
    var series = Object.keys(groups).map(function (k) {
      return {name: k, type: "scatter", data: groups[k], itemStyle: {color: colours[k]},
              symbolSize: function (v) { return Math.max(8, Math.min(40, Math.sqrt(v[2]) * 3)); }};
    });
    var chart = window.echarts.init(el);
    chart.setOption({
      title: {text: d.title || "", left: "center", textStyle: {fontSize: 14}},
      legend: {top: 24},
      tooltip: {formatter: function (p) { return p.data.name + "<br>" + p.data.kind + " · " + p.data.value[2] + " 亩 · " + p.seriesName; }},
      xAxis: {type: "value", name: "经度", scale: true}, yAxis: {type: "value", name: "纬度", scale: true},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
