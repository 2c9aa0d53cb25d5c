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
})();
