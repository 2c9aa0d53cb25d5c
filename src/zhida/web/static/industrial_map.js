// 产业地图: one district's boundary (GeoJSON from the server, registered as an ECharts map) with its
// parcels and buildings on it by longitude/latitude (data-map, JSON). Without a boundary the
// parcels are a plain scatter.
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
    var onMap = !!(d.boundary && d.map);
    if (onMap) window.echarts.registerMap(d.map, d.boundary);
    var series = Object.keys(groups).map(function (k) {
      var s = {name: k, type: "scatter", data: groups[k], itemStyle: {color: colours[k]},
               symbolSize: function (v) { return Math.max(8, Math.min(40, Math.sqrt(v[2]) * 3)); }};
      if (onMap) { s.coordinateSystem = "geo"; s.geoIndex = 0; }
      return s;
    });
    var option = {
      title: {text: d.title || "", left: "center", textStyle: {fontSize: 14}},
      legend: {top: 24, data: Object.keys(groups)},
      tooltip: {formatter: function (p) {
        if (p.seriesType === "map") return p.name;
        return p.data.name + "<br>" + p.data.kind + " · " + p.data.value[2] + " 亩 · " + p.seriesName;
      }}
    };
    if (onMap) {
      option.geo = {map: d.map, roam: true, top: 56, bottom: 8, label: {show: false},
                    itemStyle: {areaColor: "#eef3f8", borderColor: "#35608a", borderWidth: 1.5},
                    emphasis: {itemStyle: {areaColor: "#dde8f3"}, label: {show: false}}};
      // the district's own area as a map series on the same geo: named, with a tooltip
      series.unshift({name: "行政区划边界", type: "map", geoIndex: 0, data: [{name: d.boundary.features[0].properties.name}]});
    } else {
      option.xAxis = {type: "value", name: "经度", scale: true};
      option.yAxis = {type: "value", name: "纬度", scale: true};
    }
    option.series = series;
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
