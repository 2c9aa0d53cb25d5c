// zhida UI helpers. No inline scripts anywhere (the CSP allows scripts from this origin only).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("mainnav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });
  // A 409 (the profile was changed by somebody else) carries the updated page with its Chinese
  // message: swap it in like a success, so the user sees the current data and the conflict.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A fact supplied in place: the workspace is swapped, the user stays at the 待确认 section and
  // hears what changed (the result box is focused; it is a live region too).
  document.addEventListener("htmx:afterSettle", function () {
    var result = document.getElementById("fact-result");
    if (!result || result.dataset.announced || !result.querySelector("#fact-notice, #fact-error")) return;
    result.dataset.announced = "1";  // new content after each swap: announced once
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "center" });
  });
  // htmx error responses (4xx/5xx) are not swapped by default: show the server's message.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    if (!target) return;
    var box = document.createElement("p");
    box.className = "form-error";
    box.setAttribute("role", "alert");
    box.textContent = "请求失败（" + xhr.status + "），请刷新页面后重试。";
    target.prepend(box);
  });
  // Long work (a what-if, a batch start, a filter over 20,000 enterprises): the button that asked
  // is disabled at once, and after 250 ms (work shorter than that needs no notice) a progress bar
  // with what is happening appears beside it, until the answer is in. Forms may say what they
  // do in data-busy; htmx forms are released when their request ends, others when the page leaves.
  var BUSY_AFTER = 250;
  function submitters(el) {
    if (!el) return [];
    if (el.tagName === "BUTTON") return [el];
    if (el.tagName !== "FORM") return [];
    return Array.prototype.slice.call(el.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
  }
  function busy(form, buttons) {
    if (!buttons.length || form.dataset.busyState) return;
    form.dataset.busyState = "1";
    buttons.forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
    form._busyTimer = window.setTimeout(function () {
      var note = document.createElement("span");
      note.className = "busy-note";
      note.setAttribute("role", "status");
      var bar = document.createElement("progress");  // no value: indeterminate
      bar.setAttribute("aria-label", "进行中");
      note.appendChild(bar);
      note.appendChild(document.createTextNode(" " + (form.getAttribute("data-busy") || "正在处理，请稍候…")));
      var last = buttons[buttons.length - 1];
      last.parentNode.insertBefore(note, last.nextSibling);
      form._busyNote = note;
    }, BUSY_AFTER);
  }
  function idle(form) {
    if (!form || !form.dataset.busyState) return;
    delete form.dataset.busyState;
    window.clearTimeout(form._busyTimer);
    if (form._busyNote) { form._busyNote.remove(); form._busyNote = null; }
    submitters(form).forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); });
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    busy(el, submitters(el));
  });
  document.addEventListener("htmx:afterRequest", function (event) { idle(event.detail.elt); });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (window.htmx && (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")))) return;
    // after the submit event, so the pressed button's name and value are still sent
    window.setTimeout(function () { busy(form, submitters(form)); }, 0);
  });
  // Back to a page kept in the browser's cache: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-busy-state]").forEach(idle);
  });
  // 模拟测算: draw the charts whose data the server put in data-chart (JSON, escaped).
  function drawCharts(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll(".chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var d = JSON.parse(el.getAttribute("data-chart") || "{}");
      if (el.dataset.kind === "dashboard") { drawDashboard(el, d); return; }
      // 运行监测: the server gives the whole ECharts option (the PDF renders the same option to SVG)
      if (el.dataset.kind === "option") { window.echarts.init(el).setOption(Object.assign({ animation: false }, d)); el.dataset.drawn = "1"; return; }
      if (el.dataset.kind === "registry-funnel" || el.dataset.kind === "registry-trend") { drawRegistry(el, d); return; }
      if (!d.districts) return;
      var chart = window.echarts.init(el);
      var district = el.dataset.kind === "district";
      var yuan = function (list) { return (list || []).map(function (v) { return v === null ? 0 : Number(v) / 10000; }); };
      var series = district ? [
        { name: "基准 覆盖企业数", type: "bar", data: d.district_baseline },
        { name: "改革 覆盖企业数", type: "bar", data: d.district_reform },
        { name: "基准 资金（万元）", type: "line", yAxisIndex: 1, data: yuan(d.district_baseline_cost) },
        { name: "改革 资金（万元）", type: "line", yAxisIndex: 1, data: yuan(d.district_reform_cost) }
      ] : [
        { name: "基准 覆盖企业数", type: "bar", data: d.industry_baseline },
        { name: "改革 覆盖企业数", type: "bar", data: d.industry_reform }
      ];
      chart.setOption({
        title: { text: district ? "按地区：覆盖企业数与资金规模" : "按行业：覆盖企业数", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { bottom: 90, left: 50, right: 50 },
        xAxis: { type: "category", data: district ? d.districts : d.industries, axisLabel: { rotate: 45, interval: 0 } },
        yAxis: district ? [{ type: "value", name: "企业数" }, { type: "value", name: "万元" }] : [{ type: "value", name: "企业数" }],
        series: series, animation: false
      });
      el.dataset.drawn = "1";
    });
  }
  // 企业库: the tiers as a funnel (a ladder; bars for a list of categories) and their counts over time.
  function drawRegistry(el, d) {
    var chart = window.echarts.init(el);
    if (el.dataset.kind === "registry-funnel") {
      var items = (d.tiers || []).map(function (t, i) { return { name: t, value: d.counts[i] }; });
      chart.setOption(d.ladder ? {
        title: { text: "梯度培育：各层级企业数", textStyle: { fontSize: 14 } }, tooltip: { trigger: "item" },
        series: [{ type: "funnel", sort: "none", data: items, label: { formatter: "{b}：{c}" } }], animation: false
      } : {
        title: { text: "各类别企业数", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.tiers }, yAxis: { type: "value", name: "企业数" },
        series: [{ type: "bar", data: d.counts }], animation: false
      });
    } else {
      chart.setOption({
        title: { text: "各层级企业数（月末）", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
        legend: { bottom: 0 }, grid: { bottom: 60 }, xAxis: { type: "category", data: d.days },
        yAxis: { type: "value", name: "企业数" },
        series: (d.series || []).map(function (s) { return { name: s.name, type: "line", data: s.data }; }),
        animation: false
      });
    }
    el.dataset.drawn = "1";
  }
  // 工作台: money (万元) per district / zone / industry as horizontal stacked bars — the category
  // names sit on the vertical axis, one per line, so long names never overlap.
  function drawDashboard(el, d) {
    var labels = (d.labels || []).slice().reverse();
    if (!labels.length) return;
    el.style.height = Math.max(240, 30 * labels.length + 90) + "px";
    var chart = window.echarts.init(el);
    var series = (d.series || []).length ? d.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "money", data: s.data.slice().reverse() };
    }) : [{ name: "企业数", type: "bar", data: (d.enterprises || []).slice().reverse() }];
    chart.setOption({
      title: { text: d.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0, itemGap: 32 }, grid: { top: 40, bottom: 40, left: 10, right: 60, containLabel: true },
      xAxis: { type: "value", name: d.unit, nameGap: 8 },
      yAxis: { type: "category", data: labels, axisLabel: { interval: 0, width: 180, overflow: "truncate" } },
      series: series, animation: false
    });
    el.dataset.drawn = "1";
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
