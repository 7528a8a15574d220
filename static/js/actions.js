/* Page actions without inline handlers (the Content-Security-Policy allows no inline script):
 *   <button data-confirm="Yakin?">  asks before the click goes on (submit, approve);
 *   <button data-print>             opens the print dialog. */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-confirm], [data-print]");
    if (!el) return;
    if (el.hasAttribute("data-print")) {
      ev.preventDefault();
      window.print();
      return;
    }
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);
})();
