// Job page: poll the job's JSON status while it is queued or running, update the progress bar,
// and reload once it has finished so the server renders the result or the error and retry button.
(function () {
  "use strict";
  var card = document.getElementById("job");
  if (!card) { return; }
  var url = card.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-progress-text");
  var badge = document.getElementById("job-status");
  var delay = 1000;

  function label(status) {
    return card.getAttribute("data-label-" + status) || status;
  }

  function show(job) {
    badge.textContent = label(job.status);
    badge.className = "job-status status-" + job.status;
    var p = job.progress;
    if (p.total) {
      bar.max = p.total;
      bar.value = Math.min(p.done, p.total);
      text.textContent = p.done.toLocaleString() + " / " + p.total.toLocaleString() +
        (p.percent !== null ? " (" + p.percent + " %)" : "");
    } else if (p.done) {
      text.textContent = p.done.toLocaleString();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);  // the server is busy or restarting: back off
        window.setTimeout(poll, delay);
      });
  }

  var status = card.getAttribute("data-status");
  if (status === "queued" || status === "running") {
    window.setTimeout(poll, delay);
  }
})();
