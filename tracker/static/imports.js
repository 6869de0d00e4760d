// Upload page: send the file with XMLHttpRequest to show a progress bar, then go to the preview.
// Without JavaScript (or without FormData) the form is a plain POST and works the same way.
(function () {
  "use strict";
  var form = document.getElementById("import-upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");
  var error = document.getElementById("upload-error");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;

  function fail(message) {
    box.hidden = true;
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) { return; }  // the server says what is missing
    event.preventDefault();
    error.hidden = true;
    if (maxBytes && file.size > maxBytes) {
      fail(form.getAttribute("data-too-large"));  // refused before sending a byte
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = form.getAttribute("data-uploading") + " " +
          Math.floor(100 * e.loaded / e.total) + " %";
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while the server reads the file
      status.textContent = form.getAttribute("data-reading");
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (body && body.location) {
        window.location.assign(body.location);
      } else if (body && body.error) {
        fail(body.error);
      } else {
        fail(form.getAttribute("data-failed"));
      }
    });
    xhr.addEventListener("error", function () { fail(form.getAttribute("data-failed")); });
    box.hidden = false;
    bar.value = 0;
    status.textContent = form.getAttribute("data-uploading");
    button.disabled = true;
    xhr.send(new FormData(form));
  });
})();
