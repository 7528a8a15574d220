/* Kertas kerja: live preview of computed counts and percentages, before they are saved.
 * The same rules as evaluations/scoring.py, exactly: counts are whole numbers, every step is a
 * fraction of BigInts (no float rounding), the empty-base cases of the template (data-empty-base)
 * are checked in order before dividing, a ratio is capped at 1 and floored at 0, and a ratio above
 * 1 is flagged. Formulas hold only question letters, numbers, + - * / and parentheses; they are
 * parsed here (never eval'd). The server recomputes and renders the saved value on every save;
 * tests/e2e/test_formula_agreement.py feeds the same inputs to both and compares. */
(function () {
  "use strict";

  function gcd(a, b) { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) { var t = a % b; a = b; b = t; } return a; }
  function frac(n, d) {
    if (d === undefined) d = 1n;
    if (d === 0n) throw new Error("zero");
    if (d < 0n) { n = -n; d = -d; }
    var g = gcd(n, d) || 1n;
    return { n: n / g, d: d / g };
  }
  function add(a, b) { return frac(a.n * b.d + b.n * a.d, a.d * b.d); }
  function sub(a, b) { return frac(a.n * b.d - b.n * a.d, a.d * b.d); }
  function mul(a, b) { return frac(a.n * b.n, a.d * b.d); }
  function div(a, b) { return frac(a.n * b.d, a.d * b.n); }
  function cmp(a, b) { var x = a.n * b.d, y = b.n * a.d; return x < y ? -1 : (x > y ? 1 : 0); }
  var ZERO = frac(0n), ONE = frac(1n);

  function decimal(text) {  // "37.5" → 375/10
    var parts = String(text).split(".");
    var scale = 10n ** BigInt(parts[1] ? parts[1].length : 0);
    return frac(BigInt(parts[0] + (parts[1] || "")), scale);
  }

  // A count as the server takes it: a whole number 0 or more, typed the Indonesian way (1.234).
  function parseCount(text) {
    if (text === undefined || text === null) return null;
    var t = String(text).replace(/[\s\u00a0]/g, "");
    if (t === "" || t.indexOf(",") >= 0) return null;
    if (/^\d{1,3}(\.\d{3})+$/.test(t)) t = t.replace(/\./g, "");
    if (!/^\d+$/.test(t)) return null;
    return frac(BigInt(t));
  }

  function names(formula) { return formula.match(/[a-z]+/g) || []; }

  function evaluate(formula, values) {  // exact value, or null: a count missing or a zero divisor
    var tokens = formula.match(/[a-z]+|\d+(?:\.\d+)?|[()+\-*/]/g) || [];
    var i = 0;
    function peek() { return tokens[i]; }
    function next() { return tokens[i++]; }
    function primary() {
      var t = next();
      if (t === "(") { var v = expr(); next(); return v; }
      if (t === "-") { var p = primary(); return frac(-p.n, p.d); }
      if (/^[a-z]+$/.test(t)) {
        if (!values[t]) throw new Error("missing");
        return values[t];
      }
      return decimal(t);
    }
    function term() {
      var v = primary();
      while (peek() === "*" || peek() === "/") {
        var op = next(), r = primary();
        v = op === "/" ? div(v, r) : mul(v, r);
      }
      return v;
    }
    function expr() {
      var v = term();
      while (peek() === "+" || peek() === "-") {
        var op = next(), r = term();
        v = op === "+" ? add(v, r) : sub(v, r);
      }
      return v;
    }
    try { return expr(); } catch (e) { return null; }
  }

  // scoring.compute: {value, raw, note, capped}; value null when a count it reads is missing.
  function compute(formula, cases, values) {
    var needed = names(formula);
    cases.forEach(function (c) { needed = needed.concat(names(c.if_zero)); });
    if (needed.some(function (n) { return !values[n]; })) return { value: null, raw: null, note: "", capped: false };
    for (var k = 0; k < cases.length; k++) {
      var base = evaluate(cases[k].if_zero, values);
      if (base && base.n === 0n) {
        var v = div(decimal(cases[k].percent), frac(100n));
        return { value: v, raw: v, note: cases[k].note, capped: false };
      }
    }
    var raw = evaluate(formula, values);
    if (raw === null) return { value: null, raw: null, note: "", capped: false };
    var value = cmp(raw, ONE) > 0 ? ONE : (cmp(raw, ZERO) < 0 ? ZERO : raw);
    return { value: value, raw: raw, note: "", capped: cmp(raw, ONE) > 0 };
  }

  // Counts computed from other counts (b = c + d + e), in as many passes as they need.
  function resolveCounts(values, computed) {
    var pending = computed.slice();
    while (pending.length) {
      var ready = pending.filter(function (c) { return names(c.formula).every(function (n) { return n in values; }); });
      if (!ready.length) { pending.forEach(function (c) { values[c.code] = null; }); break; }
      ready.forEach(function (c) { values[c.code] = evaluate(c.formula, values); pending.splice(pending.indexOf(c), 1); });
    }
    return values;
  }

  function grouped(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  // Two decimals, half up, Indonesian: 4.936,00 — as the server's floatformat:"2g".
  function formatPercent(f) {
    var scaled = f.n * 10000n, neg = scaled < 0n;
    if (neg) scaled = -scaled;
    var cents = (2n * scaled + f.d) / (2n * f.d);
    var whole = (cents / 100n).toString(), rest = (cents % 100n).toString().padStart(2, "0");
    return (neg ? "-" : "") + grouped(whole) + "," + rest + "%";
  }
  function formatCount(f) { return grouped((f.n / f.d).toString()); }

  window.ZIFormula = { compute: compute, parseCount: parseCount, resolveCounts: resolveCounts,
                       formatPercent: formatPercent, formatCount: formatCount, frac: frac };

  function refresh(indicator) {
    var values = {}, computed = [];
    indicator.querySelectorAll("[data-count-code]").forEach(function (row) {
      if (row.dataset.formula) { computed.push({ code: row.dataset.countCode, formula: row.dataset.formula, row: row }); return; }
      var input = row.querySelector("input[name=number]");
      values[row.dataset.countCode] = parseCount(input ? input.value : row.dataset.countValue);
    });
    resolveCounts(values, computed);
    computed.forEach(function (c) {
      var out = c.row.querySelector("[data-computed-output]");
      if (out) out.textContent = values[c.code] ? formatCount(values[c.code]) : out.dataset.emptyText;
    });
    indicator.querySelectorAll("[data-formula]:not([data-count-code])").forEach(function (row) {
      var out = row.querySelector("[data-computed-output]");
      var own = row.querySelector("input[name=number]");  // the TPI's own value, when typed, stands
      if (!out || (own && own.value.trim())) return;
      var result = compute(row.dataset.formula, JSON.parse(row.dataset.emptyBase || "[]"), values);
      out.textContent = result.value === null ? out.dataset.emptyText : formatPercent(result.value);
      var note = row.querySelector("[data-computed-note]");
      if (note) note.textContent = result.note ? " — " + result.note : "";
      var capped = row.querySelector("[data-computed-capped]");
      if (capped) {
        capped.classList.toggle("d-none", !result.capped);
        capped.textContent = result.capped ? capped.dataset.template.replace("%s", formatPercent(result.raw)) : "";
      }
    });
  }

  document.addEventListener("input", function (ev) {
    var indicator = ev.target.closest && ev.target.closest("[data-indicator]");
    if (indicator) refresh(indicator);
  });

  // On a phone the area tabs are one scrollable row: show the current one.
  var current = document.querySelector(".area-nav .active");
  if (current && current.parentElement.parentElement.scrollWidth > current.parentElement.parentElement.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }

  var TYPING = "textarea, input[type=text], input[type=url], input:not([type])";

  function card(el) { return el && el.closest && el.closest(".question"); }

  // A card saved while its person keeps typing in it: never replace the field being typed in.
  // Take the new revision, the "saved" line and the totals (out of band), keep everything typed;
  // the field saves itself again when it loses focus.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (ev.detail.xhr.getResponseHeader("X-ZI-Refusal")) return;  // session.js keeps the card and says why
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
    var badges = newCard.querySelector(".question-badges"), oldBadges = target.querySelector(".question-badges");
    if (badges && oldBadges) oldBadges.replaceWith(badges);  // "Belum dijawab" goes once an answer is saved
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
    if (s === 403 || s === 409 || ev.detail.xhr.getResponseHeader("X-ZI-Refusal")) return;
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
