/* For partners' pages: fits each Answerable embed iframe to the height its page reports
   (static/js/embed.js). Only messages from the iframe's own window and origin are believed,
   and only a sane number is used. */
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "answerable:embed-height") { return; }
    var height = Number(data.height);
    if (!isFinite(height) || height < 100 || height > 5000) { return; }
    var frames = document.querySelectorAll("iframe.answerable-embed");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && frame.src.indexOf(event.origin + "/") === 0) {
        frame.style.height = Math.ceil(height) + "px";
      }
    }
  });
})();
