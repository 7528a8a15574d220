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

  var TYPING = "textarea, input[type=text], input[type=url], input:not([type])";

  function card(el) { return el && el.closest && el.closest(".question"); }

  // A card saved while its person keeps typing in it: never replace the field being typed in.
  // Take the new revision, the "saved" line and the totals (out of band), keep everything typed;
  // the field saves itself again when it loses focus.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status === 403 || status === 409) {  // a refused save comes back as the card: show it
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
      return;
    }
    var target = ev.detail.target;
    var active = document.activeElement;
    if (status !== 200 || !target || !target.classList.contains("question") || !active ||
        !target.contains(active) || !active.matches(TYPING)) {
      return;
    }
    var fresh = document.createElement("template");
    fresh.innerHTML = ev.detail.serverResponse;
    var newCard = fresh.content.querySelector("#" + target.id);
    if (!newCard || newCard.querySelector(".is-invalid, [data-testid=conflict]")) return;  // show problems
    ev.detail.shouldSwap = false;
    var revision = newCard.querySelector("input[name=revision]");
    var mine = target.querySelector("input[name=revision]");
    if (revision && mine) mine.value = revision.value;
    var saved = newCard.querySelector("[data-testid=saved-info]");
    var oldSaved = target.querySelector("[data-testid=saved-info]");
    if (saved && oldSaved) oldSaved.replaceWith(saved);
    else if (saved) { var btn = target.querySelector("button[type=submit]"); if (btn) btn.after(saved); }
    // Saved without errors: whatever was wrong before is fixed now.
    target.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    target.querySelectorAll(".invalid-feedback, [data-testid=not-saved]").forEach(function (el) { el.remove(); });
    fresh.content.querySelectorAll("[hx-swap-oob]").forEach(function (el) {
      var old = document.getElementById(el.id);
      if (old) { el.removeAttribute("hx-swap-oob"); old.replaceWith(el); }
    });
    clearFailure(target);
  });

  function failure(el, message) {
    var c = card(el);
    if (!c) return;
    clearFailure(c);
    var box = document.createElement("div");
    box.className = "alert alert-danger py-1 px-2 small mt-2 save-failure";
    box.setAttribute("role", "alert");
    box.dataset.testid = "save-failed";
    box.textContent = message;
    var form = c.querySelector("form.answer-form") || c.querySelector("form");
    (form || c).appendChild(box);
  }

  function clearFailure(c) {
    c.querySelectorAll(".save-failure").forEach(function (el) { el.remove(); });
  }

  // A save that fails (server error, no connection) must say so: nothing was stored.
  document.addEventListener("htmx:responseError", function (ev) {
    var s = ev.detail.xhr.status;
    if (s === 403 || s === 409) return;
    failure(ev.detail.elt, document.body.dataset.msgSaveFailed.replace("%s", s));
  });
  document.addEventListener("htmx:sendError", function (ev) {
    failure(ev.detail.elt, document.body.dataset.msgOffline);
  });

  // Keyboard: after "Simpan", keep focus on that card's button instead of the page start.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var t = ev.detail.target;
    if (t && t.classList && t.classList.contains("question") && ev.detail.requestConfig &&
        ev.detail.requestConfig.triggeringEvent && ev.detail.requestConfig.triggeringEvent.type === "submit") {
      var button = t.querySelector("button[type=submit]");
      if (button) button.focus({ preventScroll: true });
    }
  });

  // Leaving the page with typing not yet saved (a note typed, then an area tab clicked): ask first.
  var dirty = new Set();
  document.addEventListener("input", function (ev) {
    var form = ev.target.closest && ev.target.closest("form[hx-post]");
    if (form && ev.target.matches(TYPING)) dirty.add(card(form) || form);
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    if (ev.detail.successful) dirty.delete(card(ev.detail.elt) || ev.detail.elt);
  });
  window.addEventListener("beforeunload", function (ev) {
    dirty.forEach(function (el) { if (!document.body.contains(el)) dirty.delete(el); });
    if (dirty.size) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // Evidence: refuse a file over the limit before sending megabytes to the server.
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var file = input.files && input.files[0];
    var warn = input.parentElement.querySelector(".too-big");
    if (warn) warn.remove();
    if (file && file.size > Number(input.dataset.maxBytes)) {
      var msg = document.createElement("div");
      msg.className = "invalid-feedback d-block too-big";
      msg.textContent = input.dataset.tooBig;
      input.after(msg);
      input.value = "";
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
      el.className = "preview-frame";
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
