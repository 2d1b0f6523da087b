/* Adds a "Copy" button next to each read-only share field. Progressive enhancement only:
   without JavaScript the field is still there to select and copy by hand. */
(function () {
  "use strict";
  var section = document.querySelector(".sharing");
  if (!section) { return; }
  var copyLabel = section.getAttribute("data-copy-label") || "Copy";
  var copiedLabel = section.getAttribute("data-copied-label") || "Copied";

  function copy(field, button) {
    field.focus();
    field.select();
    var done = function () {
      button.textContent = copiedLabel;
      window.setTimeout(function () { button.textContent = copyLabel; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }

  Array.prototype.forEach.call(section.querySelectorAll(".copy-source"), function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel;
    button.addEventListener("click", function () { copy(field, button); });
    field.insertAdjacentElement("afterend", button);
    field.addEventListener("focus", function () { field.select(); });
  });
}());
