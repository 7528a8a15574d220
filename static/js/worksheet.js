/* Kertas kerja: live preview of percentages computed from counts, before they are saved.
 * Formulas hold only question letters, numbers, + - * / and parentheses; they are parsed here
 * (never eval'd). The server recomputes and renders the saved value on every save. */
(function () {
  "use strict";

  function parseNumber(text) {
    if (text === undefined || text === null) return null;
    var t = String(text).trim();
    if (t === "") return null;
    if (t.indexOf(",") >= 0) t = t.replace(/\./g, "").replace(",", ".");  // 1.234,5 → 1234.5
    else if (/^\d{1,3}(\.\d{3})+$/.test(t)) t = t.replace(/\./g, "");      // counts: 1.234 → 1234
    var n = Number(t);
    return isNaN(n) ? null : n;
  }

  function evaluate(formula, values) {
    var tokens = formula.match(/[a-z]+|\d+(?:\.\d+)?|[()+\-*/]/g) || [];
    var i = 0;
    function peek() { return tokens[i]; }
    function next() { return tokens[i++]; }
    function primary() {
      var t = next();
      if (t === "(") { var v = expr(); next(); return v; }
      if (t === "-") return -primary();
      if (/^[a-z]+$/.test(t)) {
        if (values[t] === null || values[t] === undefined) throw new Error("missing");
        return values[t];
      }
      return Number(t);
    }
    function term() {
      var v = primary();
      while (peek() === "*" || peek() === "/") {
        var op = next(), r = primary();
        if (op === "/") { if (r === 0) throw new Error("zero"); v = v / r; } else { v = v * r; }
      }
      return v;
    }
    function expr() {
      var v = term();
      while (peek() === "+" || peek() === "-") {
        var op = next(), r = term();
        v = op === "+" ? v + r : v - r;
      }
      return v;
    }
    try { return expr(); } catch (e) { return null; }
  }

  function percent(x) {
    return (Math.round(x * 10000) / 100).toLocaleString("id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "%";
  }

  function refresh(indicator) {
    var values = {};
    indicator.querySelectorAll("[data-count-code]").forEach(function (row) {
      var input = row.querySelector("input[name=number]");
      values[row.dataset.countCode] = parseNumber(input ? input.value : row.dataset.countValue);
    });
    indicator.querySelectorAll("[data-formula]").forEach(function (row) {
      var out = row.querySelector("[data-computed-output]");
      if (!out) return;
      var v = evaluate(row.dataset.formula, values);
      out.textContent = v === null ? out.dataset.emptyText : percent(Math.max(0, Math.min(1, v)));
    });
  }

  document.addEventListener("input", function (ev) {
    var indicator = ev.target.closest && ev.target.closest("[data-indicator]");
    if (indicator) refresh(indicator);
  });

  // A refused save (conflict, locked answer) comes back as the question card: show it.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    if (ev.detail.xhr.status === 403 || ev.detail.xhr.status === 409) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
})();

/* Evidence preview: PDF in a frame, images as images, inside one modal. */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-preview-url]");
    if (!button) return;
    var modal = document.getElementById("preview-modal");
    if (!modal || !window.bootstrap) return;
    var body = document.getElementById("preview-body");
    var url = button.dataset.previewUrl;
    body.replaceChildren();
    var el;
    if (button.dataset.previewKind === "pdf") {
      el = document.createElement("iframe");
      el.style.width = "100%";
      el.style.height = "80vh";
      el.style.border = "0";
    } else {
      el = document.createElement("img");
      el.className = "img-fluid d-block mx-auto";
      el.alt = button.dataset.previewTitle;
    }
    el.src = url;
    body.appendChild(el);
    document.getElementById("preview-title").textContent = button.dataset.previewTitle;
    document.getElementById("preview-download").href = url.replace("?inline=1", "");
    window.bootstrap.Modal.getOrCreateInstance(modal).show();
  });
})();
