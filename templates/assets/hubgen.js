/* hubgen: listing filters (state kept in the URL) and the clause "Copy wording" button.
   Without JavaScript the filters stay hidden and every item shows. */
(function () {
  "use strict";

  function setUpFilters(form) {
    var list = form.nextElementSibling;
    while (list && !list.classList.contains("hub-list")) list = list.nextElementSibling;
    if (!list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll(".hub-item"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var status = form.querySelector(".hub-filter-status");

    function apply(updateUrl) {
      var active = selects.filter(function (s) { return s.value; });
      var shown = 0;
      items.forEach(function (item) {
        var match = active.every(function (s) {
          var values = (item.getAttribute("data-" + s.name) || "").split(" ");
          return values.indexOf(s.value) !== -1;
        });
        item.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = active.length
        ? "Showing " + shown + " of " + items.length + "."
        : "Showing all " + items.length + ".";
      if (updateUrl) {
        var params = new URLSearchParams(window.location.search);
        selects.forEach(function (s) {
          if (s.value) params.set(s.name, s.value); else params.delete(s.name);
        });
        var query = params.toString();
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
          window.location.hash);
      }
    }

    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) {
        s.value = wanted;
      }
      s.addEventListener("change", function () { apply(true); });
    });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(true); }, 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply(false);
  }

  function setUpCopy(box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button hub-copy";
    button.textContent = "Copy wording";
    var note = document.createElement("span");
    note.className = "hub-copy-status";
    note.setAttribute("role", "status");
    button.addEventListener("click", function () {
      var text = box.innerText.trim();
      navigator.clipboard.writeText(text).then(function () {
        note.textContent = "Copied to the clipboard.";
      }, function () {
        note.textContent = "Copying failed: select the wording and copy it by hand.";
      });
    });
    box.parentNode.insertBefore(button, box);
    box.parentNode.insertBefore(note, box);
  }

  function init() {
    document.querySelectorAll("form[data-hub-filters]").forEach(setUpFilters);
    if (navigator.clipboard) document.querySelectorAll(".hub-wording").forEach(setUpCopy);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material's instant navigation, when editors enable it
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
