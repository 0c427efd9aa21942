// influx-console: swaps in the cluster panel the server pushes (server-sent events).
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  var live = document.querySelector('[data-testid="live"]');
  if (!panel || !live || !window.EventSource) {
    return;
  }
  var delay = 1000;

  function show(connected) {
    live.textContent = connected ? "live" : "reconnecting";
    live.className = connected ? "live on" : "live off";
  }

  function connect() {
    var source = new EventSource(panel.getAttribute("data-events"));
    source.addEventListener("open", function () {
      delay = 1000;
      show(true);
    });
    source.addEventListener("panel", function (event) {
      panel.innerHTML = event.data;
    });
    source.addEventListener("error", function () {
      show(false);
      // The browser retries by itself unless it gave up (closed): then start again, slower each time.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      }
    });
  }

  connect();
})();
