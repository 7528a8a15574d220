/* Exports that take a while: show that the file is being prepared, and say why when it fails.
 * Without JavaScript the link downloads as usual. */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-download]");
    if (!link || !window.fetch || !window.URL) return;
    ev.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    var status = document.getElementById(link.dataset.download);
    var label = link.innerHTML;
    var started = Date.now();
    link.setAttribute("aria-busy", "true");
    link.classList.add("disabled");
    var tick = setInterval(function () {
      status.textContent = link.dataset.busyText.replace("%s", Math.round((Date.now() - started) / 1000));
    }, 500);
    status.className = "small text-body-secondary";
    status.textContent = link.dataset.busyText.replace("%s", "0");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(text || response.statusText); });
      }
      var disposition = response.headers.get("Content-Disposition") || "";
      var match = /filename="([^"]+)"/.exec(disposition);
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = document.createElement("a");
        a.href = url;
        a.download = match ? match[1] : "ekspor.xlsx";
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        status.className = "small text-success";
        status.textContent = link.dataset.doneText;
      });
    }).catch(function (err) {
      status.className = "small text-danger";
      status.textContent = err.message;
    }).finally(function () {
      clearInterval(tick);
      link.removeAttribute("aria-busy");
      link.classList.remove("disabled");
      link.innerHTML = label;
    });
  });
})();
