/* Never lose typing to an ended session or a stale page (see zi_tracker/sessions.py).
 *  - every htmx request carries the current CSRF cookie, so a page opened before signing in again
 *    in another tab still saves;
 *  - a refusal marked X-ZI-Refusal (session ended, page stale) is never swapped into the page: the
 *    card keeps what was typed and says, in its own place, what happened and what to do;
 *  - ten minutes before the session would end for lack of activity, a banner says so and offers to
 *    stay signed in; every response moves that moment on (X-Session-Expires);
 *  - a comment typed into a plain form (a decision) is kept in this tab until the page shows the form
 *    again in the same state, in case the session ended under it. */
(function () {
  "use strict";
  var body = document.body;
  var WARN_MS = 10 * 60 * 1000;
  var expires = Number(body.dataset.sessionExpires || 0) * 1000;
  var timer = null;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("htmx:configRequest", function (ev) {
    var token = cookie("csrftoken");
    if (!token || ev.detail.verb === "get") return;
    ev.detail.headers["X-CSRFToken"] = token;
    // The form's field wins over the header in Django: give it the current token too.
    var data = ev.detail.formData;  // htmx 2: the FormData behind ev.detail.parameters
    if (data && data.has && data.has("csrfmiddlewaretoken")) data.set("csrfmiddlewaretoken", token);
  });

  function box(target, text) {
    var place = (target && target.closest && (target.closest(".question") || target.closest("form"))) || target;
    if (!place) return;
    place.querySelectorAll(".session-refusal").forEach(function (el) { el.remove(); });
    var alert = document.createElement("div");
    alert.className = "alert alert-warning py-1 px-2 small mt-2 session-refusal";
    alert.setAttribute("role", "alert");
    alert.dataset.testid = "session-refusal";
    alert.textContent = text;
    var form = place.matches && place.matches("form") ? place : place.querySelector("form");
    (form || place).appendChild(alert);
  }

  document.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail.xhr;
    var kind = xhr.getResponseHeader("X-ZI-Refusal");
    if (!kind) return;
    ev.detail.shouldSwap = false;
    ev.detail.isError = false;
    box(ev.detail.requestConfig && ev.detail.requestConfig.elt || ev.detail.elt, xhr.responseText);
    if (kind === "session") showBanner(true);
  });

  document.addEventListener("htmx:afterRequest", function (ev) {
    var header = ev.detail.xhr && ev.detail.xhr.getResponseHeader("X-Session-Expires");
    if (header) { expires = Number(header) * 1000; schedule(); }
    var refused = ev.detail.xhr && ev.detail.xhr.getResponseHeader("X-ZI-Refusal");
    if (ev.detail.successful && !refused && ev.detail.elt) {
      var place = ev.detail.elt.closest && (ev.detail.elt.closest(".question") || ev.detail.elt.closest("form"));
      if (place) place.querySelectorAll(".session-refusal").forEach(function (el) { el.remove(); });
    }
  });

  function timeText(ms) {
    return new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: body.dataset.timeZone })
      .format(new Date(ms)).replace(":", ".");
  }

  function showBanner(ended) {
    var banner = document.getElementById("session-banner");
    if (!banner) return;
    banner.querySelector("[data-session-text]").textContent = ended
      ? body.dataset.msgSessionEnded
      : body.dataset.msgSessionEnding.replace("%s", timeText(expires) + " " + (body.dataset.zoneAbbr || ""));
    banner.querySelector("[data-session-stay]").hidden = ended;
    banner.querySelector("[data-session-login]").hidden = !ended;
    banner.hidden = false;
  }

  function schedule() {
    if (!expires) return;
    clearTimeout(timer);
    var banner = document.getElementById("session-banner");
    if (banner && !banner.dataset.ended) banner.hidden = true;
    var wait = expires - Date.now() - WARN_MS;
    timer = setTimeout(function () {
      if (Date.now() >= expires) { showBanner(true); return; }
      showBanner(false);
      timer = setTimeout(function () { showBanner(true); }, Math.max(0, expires - Date.now()));
    }, Math.max(0, wait));
  }

  document.addEventListener("click", function (ev) {
    var stay = ev.target.closest && ev.target.closest("[data-session-stay]");
    if (!stay) return;
    fetch(stay.dataset.url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) { expires = data.expires * 1000; schedule(); })
      .catch(function () { showBanner(true); });
  });

  // Comments typed into plain forms: kept in this tab until the form comes back in the same state.
  var DAY = 24 * 3600 * 1000;
  if (document.querySelector(".alert-success")) {  // a decision went through: nothing is pending any more
    Object.keys(window.sessionStorage).forEach(function (k) {
      if (k.indexOf("zi-draft:") === 0) window.sessionStorage.removeItem(k);
    });
  }
  document.querySelectorAll("textarea[data-draft-key]").forEach(function (area) {
    var key = "zi-draft:" + area.dataset.draftKey;
    var saved = null;
    try { saved = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && !area.value && Date.now() - saved.at < DAY && saved.text) {
      area.value = saved.text;
      var note = document.createElement("div");
      note.className = "form-text";
      note.dataset.testid = "draft-restored";
      note.textContent = body.dataset.msgDraftRestored;
      area.after(note);
    }
    window.sessionStorage.removeItem(key);
    area.form && area.form.addEventListener("submit", function () {
      if (area.value) window.sessionStorage.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
    });
  });

  schedule();
})();
