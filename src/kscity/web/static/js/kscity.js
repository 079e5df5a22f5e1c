/* kscity: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  /* KRDS file upload: list the chosen files under the field. */
  function bindFileInputs(root) {
    root.querySelectorAll("input.ks-file-input").forEach(function (input) {
      if (input.dataset.ksBound) { return; }
      input.dataset.ksBound = "1";
      input.addEventListener("change", function () {
        var list = document.querySelector('[data-ks-file-list="' + input.id + '"]');
        if (!list) { return; }
        list.textContent = "";
        Array.prototype.forEach.call(input.files || [], function (file) {
          var item = document.createElement("li");
          var info = document.createElement("div");
          info.className = "file-info";
          var name = document.createElement("div");
          name.className = "file-name";
          name.textContent = file.name + " [" + Math.max(1, Math.round(file.size / 1024)) + " KB]";
          info.appendChild(name);
          item.appendChild(info);
          list.appendChild(item);
        });
        list.parentElement.hidden = list.children.length === 0;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bindFileInputs(document); });
  document.addEventListener("htmx:load", function (event) { bindFileInputs(event.target); });
})();
