// Upload progress for the uploads form (htmx sends the file; this only shows how far it got).
document.addEventListener("htmx:xhr:progress", function (event) {
  var bar = document.getElementById("upload-progress");
  if (!bar || !event.detail.lengthComputable) { return; }
  bar.hidden = false;
  var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  bar.value = percent;
  bar.textContent = percent + "%";
});
// htmx swaps error responses too, so a refused upload shows its reason in the result panel.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status >= 400 && event.detail.target && event.detail.target.id === "result") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:afterRequest", function () {
  var bar = document.getElementById("upload-progress");
  if (bar) { bar.hidden = true; bar.value = 0; }
});
