// Live updates for the drsorch dashboard: every two seconds, fetch the
// page's live fragment (data-live) and swap it in when it changed, keeping
// keyboard focus on the same control.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  var status = document.getElementById("live-status");
  if (!live || !live.dataset.live) {
    return;
  }
  var interval = parseInt(live.dataset.interval, 10) || 2000;
  var last = null;

  function say(text, stale) {
    if (status) {
      status.textContent = text;
      status.classList.toggle("stale", !!stale);
    }
  }

  // phase reads the execution's one-line status, when the page has one.
  function phase() {
    var el = live.querySelector("[data-phase]");
    return el ? el.getAttribute("data-phase") : "";
  }

  function swap(html) {
    var before = phase();
    var focused = document.activeElement && document.activeElement.id;
    var scrollers = {};
    live.querySelectorAll(".scroll[aria-label]").forEach(function (el) {
      scrollers[el.getAttribute("aria-label")] = el.scrollTop;
    });
    // A choice being made (the retry's wave) survives the refresh.
    var chosen = {};
    live.querySelectorAll("select[id]").forEach(function (el) {
      chosen[el.id] = el.value;
    });
    live.innerHTML = html;
    Object.keys(chosen).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.querySelector('option[value="' + CSS.escape(chosen[id]) + '"]')) {
        el.value = chosen[id];
      }
    });
    // Counts swaps, so tests (and curious people) can see updates land.
    live.dataset.swaps = String((parseInt(live.dataset.swaps, 10) || 0) + 1);
    live.querySelectorAll(".scroll[aria-label]").forEach(function (el) {
      var top = scrollers[el.getAttribute("aria-label")];
      if (top !== undefined) {
        el.scrollTop = top;
      }
    });
    // Screen readers hear a phase change, not every refresh.
    var after = phase();
    var announce = document.getElementById("announce");
    if (announce && after && after !== before) {
      announce.textContent = "Execution is now " + after + ".";
    }
    if (focused) {
      var again = document.getElementById(focused);
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
  }

  function tick() {
    fetch(live.dataset.live, { cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (res) {
        if (!res.ok) {
          say("Live updates stopped: the run service answered HTTP " + res.status + ".", true);
          return null;
        }
        return res.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        if (html !== last) {
          swap(html);
          last = html;
        }
        say("Live: updated " + new Date().toLocaleTimeString() + ", every " + interval / 1000 + " seconds.");
      })
      .catch(function () {
        say("Live updates paused: the run service is unreachable. Retrying…", true);
      })
      .finally(function () {
        window.setTimeout(tick, interval);
      });
  }

  window.setTimeout(tick, interval);
})();
