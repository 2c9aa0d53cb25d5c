// 关联文件: the document in the middle, the documents it acts on to the right, those acting on it
// to the left; edges labelled with the relation (废止, 延长有效期 …). Data from data-chart (server JSON).
(function () {
  function draw() {
    var el = document.getElementById("doc-links-graph");
    if (!el || !window.echarts || el.dataset.drawn) return;
    var d = JSON.parse(el.getAttribute("data-chart") || "{}");
    var nodes = [{ name: d.center, x: 300, y: 150, symbolSize: 46, itemStyle: { color: "#1d4ed8" } }];
    var edges = [];
    function add(list, side) {
      (list || []).forEach(function (link, i) {
        var name = link.name || link.target_number || "?";
        if (!nodes.some(function (n) { return n.name === name; })) {
          nodes.push({ name: name, x: side > 0 ? 560 : 40, y: 40 + i * 60, symbolSize: 28,
                       itemStyle: { color: link.kind === "repeals" ? "#b91c1c" : "#475569" } });
        }
        edges.push(side > 0 ? { source: d.center, target: name, label: { show: true, formatter: link.kind_zh } }
                            : { source: name, target: d.center, label: { show: true, formatter: link.kind_zh } });
      });
    }
    add(d.outgoing, 1);
    add(d.incoming, -1);
    el.style.height = Math.max(220, 60 * Math.max((d.outgoing || []).length, (d.incoming || []).length) + 80) + "px";
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {}, animation: false,
      series: [{ type: "graph", layout: "none", roam: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 10,
                 label: { show: true, position: "bottom", width: 220, overflow: "truncate" },
                 data: nodes, links: edges, lineStyle: { width: 1.5 } }]
    });
    el.dataset.drawn = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
