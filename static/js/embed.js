/* The embed page tells the page that frames it how tall it is, so the partner's iframe can fit
   it exactly (static/js/embed-host.js listens). Without JavaScript the snippet's own height is
   tall enough for a 320 px phone. Sends a number only: nothing about the reader. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "answerable:embed-height", height: height }, "*");
    }
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (window.ResizeObserver) { new ResizeObserver(post).observe(document.documentElement); }
  post();
})();
