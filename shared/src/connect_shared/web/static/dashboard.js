// Connect dashboard: two small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Copy buttons: <button data-copy-target="id-of-element-with-the-text">.
  function setUpCopy(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target || !navigator.clipboard) return;
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  // Live regions: <div data-poll-url="..." data-status="pending"> is replaced by the server's
  // fragment until its status is final (redeemed, expired, failed).
  var FINAL = ["redeemed", "expired", "failed"];
  function poll(region, deadline) {
    var status = region.getAttribute("data-status");
    if (FINAL.indexOf(status) !== -1 || Date.now() > deadline) return;
    setTimeout(function () {
      fetch(region.getAttribute("data-poll-url"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) {
          if (html !== null) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            var fresh = holder.querySelector("[data-poll-url]");
            if (fresh && fresh.getAttribute("data-status") !== status) {
              region.replaceWith(fresh);
              region = fresh;
            }
          }
          poll(region, deadline);
        })
        .catch(function () { poll(region, deadline); });
    }, 1500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(setUpCopy);
    document.querySelectorAll("[data-poll-url]").forEach(function (region) {
      poll(region, Date.now() + 10 * 60 * 1000);
    });
  });
})();
