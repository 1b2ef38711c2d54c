// Live preview of the Markdown text on the sharing form: the server renders it with the same
// sanitiser as published files. Without this script the form's "Preview" button does the same.
(function () {
  "use strict";
  var DELAY = 400;

  function setUp(form) {
    var body = form.querySelector("textarea[name=body]");
    var target = form.querySelector(".share-preview-body");
    var token = form.querySelector("input[name=csrf_token]");
    var url = form.getAttribute("data-preview-url");
    if (!body || !target || !token || !url || !window.fetch) {
      return;
    }
    var timer = null;
    var sent = 0;

    function refresh() {
      var mine = ++sent;
      var data = new FormData();
      data.append("body", body.value);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"X-CSRF-Token": token.value}
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (answer && mine === sent) {
          target.innerHTML = answer.html;  // sanitised by the server (indexer.markup.to_html)
        }
      }).catch(function () { /* keep the last preview; the button still works */ });
    }

    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    });
    if (body.value) {
      refresh();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.share-form[data-preview-url]");
    for (var i = 0; i < forms.length; i++) {
      setUp(forms[i]);
    }
  });
})();
