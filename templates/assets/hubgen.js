/* hubgen: listing filters that tell the truth (live counts, options that cannot match
   disabled, facets of other types hidden, an empty state, sorting; the state in the URL, each
   change a step of the browser's history), a "Filter" button on phones, webinar times in the
   reader's time zone, and the clause "Copy wording" button.
   Without JavaScript the filters stay hidden and every item shows. */
(function () {
  "use strict";

  function setUpFilters(form) {
    var box = form.closest(".hub-filtering");
    var list = box && box.nextElementSibling;
    while (list && !list.classList.contains("hub-list")) list = list.nextElementSibling;
    if (!list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll(".hub-item"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var facets = selects.filter(function (s) { return s.name !== "sort"; });
    var sort = form.querySelector("select[name=sort]");
    var status = box.querySelector(".hub-filter-status");
    var empty = box.querySelector(".hub-empty");
    var toggle = box.querySelector(".hub-filter-toggle");
    var typeSelect = form.querySelector("select[name=type]");
    var original = items.slice();
    var data = items.map(function (item) {
      var values = {};
      facets.forEach(function (s) {
        values[s.name] = (item.getAttribute("data-" + s.name) || "").split(" ").filter(Boolean);
      });
      var title = item.querySelector(".hub-card__title");
      return { item: item, values: values, date: item.getAttribute("data-date") || "",
               title: title ? title.textContent.trim().toLocaleLowerCase() : "" };
    });

    function chosen() {
      var state = {};
      selects.forEach(function (s) { if (s.value) state[s.name] = s.value; });
      return state;
    }

    function matches(entry, state, except) {
      return facets.every(function (s) {
        var wanted = state[s.name];
        return !wanted || s.name === except || entry.values[s.name].indexOf(wanted) !== -1;
      });
    }

    // Facets that belong to one type (tool kind, clause stage, webinar status) show only when
    // that type, or no type, is chosen.
    function applicable(select, type) {
      var only = select.parentNode.getAttribute("data-for-type");
      return !only || !type || only === type;
    }

    function apply() {
      var type = typeSelect ? typeSelect.value : "";
      facets.forEach(function (s) {
        if (!applicable(s, type)) s.value = "";
      });
      var state = chosen();
      var shown = 0;
      data.forEach(function (entry) {
        var match = matches(entry, state, null);
        entry.item.hidden = !match;
        if (match) shown += 1;
      });
      // Each option's count: the items it would show with the other filters as they are.
      facets.forEach(function (s) {
        var counts = {};
        data.forEach(function (entry) {
          if (!matches(entry, state, s.name)) return;
          entry.values[s.name].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        var any = false;
        Array.prototype.forEach.call(s.options, function (o) {
          if (!o.value) return;
          var n = counts[o.value] || 0;
          o.textContent = o.getAttribute("data-label") + " (" + n + ")";
          o.disabled = n === 0 && o.value !== s.value;
          if (n) any = true;
        });
        s.parentNode.hidden = !applicable(s, type) || (!any && !s.value);
      });
      var order = data.slice();
      if (sort.value === "title") {
        order.sort(function (a, b) { return a.title < b.title ? -1 : a.title > b.title ? 1 : 0; });
      } else {
        order.sort(function (a, b) {
          if (a.date !== b.date) return a.date < b.date ? 1 : -1;  // newest first, undated last
          return original.indexOf(a.item) - original.indexOf(b.item);
        });
      }
      order.forEach(function (entry) { list.appendChild(entry.item); });
      // What is chosen, said in the status line too: on a phone the filters are out of sight.
      var on = facets.filter(function (s) { return s.value; }).map(function (s) {
        return s.options[s.selectedIndex].getAttribute("data-label");
      });
      var active = on.length;
      status.textContent = active
        ? (shown === 1 ? "1 record matches" : shown + " records match") + " (of " + items.length + "): " +
          on.join(", ") + "."
        : "Showing all " + items.length + ".";
      empty.hidden = shown !== 0;
      toggle.textContent = active ? "Filter (" + active + " on)" : "Filter";
    }

    function toUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        if (s.value) params.set(s.name, s.value); else params.delete(s.name);
      });
      var query = params.toString();
      return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    }

    function fromUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var wanted = params.get(s.name) || "";
        var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
        s.value = known ? wanted : "";
      });
    }

    // Each change is a step in the history, so Back undoes it.
    function changed() {
      apply();
      var target = toUrl();
      if (target !== window.location.pathname + window.location.search + window.location.hash) {
        history.pushState({ hubFilters: true }, "", target);
      }
    }

    function clear() {
      selects.forEach(function (s) { s.value = ""; });
      changed();
    }

    selects.forEach(function (s) { s.addEventListener("change", changed); });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      clear();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    box.querySelector(".hub-clear").addEventListener("click", function () {
      clear();
      var first = form.querySelector("select");
      if (first && !form.classList.contains("hub-filters--collapsed")) first.focus();
    });
    window.addEventListener("popstate", function () {
      fromUrl();
      apply();
    });

    // On a phone the filters sit behind one button (CSS shows the button on narrow screens).
    form.classList.add("hub-filters--collapsed");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = form.classList.toggle("hub-filters--collapsed") === false;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });

    form.hidden = false;
    fromUrl();
    apply();
  }

  // A webinar's time in the reader's own time zone (the page also gives it in UTC).
  function setUpLocalTime(el) {
    var when = new Date(el.getAttribute("data-utc"));
    if (isNaN(when.getTime())) return;
    try {
      el.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        weekday: "long", day: "numeric", month: "long", year: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      }).format(when);
    } catch (e) { /* the UTC time written in the page stays */ }
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
    // Material's search is a dialog without a name; screen readers announce it as "Search".
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (d) {
      d.setAttribute("aria-label", "Search");
    });
    document.querySelectorAll("form[data-hub-filters]").forEach(setUpFilters);
    document.querySelectorAll(".hub-local-time[data-utc]").forEach(setUpLocalTime);
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
