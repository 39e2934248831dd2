/* Live pages only: asks now and then how many entries were posted since the page was
   rendered, and offers a button that reloads the page to show them. Without it the page is
   a plain page the reader reloads. It asks only while the tab is visible. */
(function () {
  "use strict";

  var section = document.querySelector(".live[data-live-url]");
  if (!section || !window.fetch) return;
  var button = section.querySelector(".live__new");
  if (!button) return;

  var since = section.dataset.liveSince || "0";
  var seconds = parseFloat(section.dataset.liveInterval);
  var interval = (seconds > 0 ? seconds : 30) * 1000;
  var timer = null;
  var stopped = false;

  function label(n) {
    var template = n === 1 ? section.dataset.liveOne : section.dataset.liveMany;
    return (template || "%(n)s").replace("%(n)s", String(n));
  }

  function schedule() {
    if (stopped || timer !== null || document.visibilityState !== "visible") return;
    timer = window.setTimeout(poll, interval);
  }

  function poll() {
    timer = null;
    var url = section.dataset.liveUrl + "?sejak=" + encodeURIComponent(since);
    fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) stopped = true; // no longer a public live page
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        if (data.new > 0) {
          button.textContent = label(data.new);
          button.hidden = false;
        }
        if (!data.live) stopped = true;
      })
      .catch(function () {
        /* Offline for a moment: the next round asks again. */
      })
      .then(schedule);
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    window.location.hash = "liputan-langsung";
    window.location.reload();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      schedule();
    } else if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
  });

  schedule();
})();
