/* hubgen: the hub's search, on the index hubgen builds after the engine (Pagefind, in
   pagefind/ at the site's root). Two places use it:
   - the header's box shows the first results as you type (arrow keys move, Enter opens,
     Escape closes, "/" jumps to the box); Enter with no result chosen opens the results page;
   - the results page (search/?q=...&type=...&theme=...&audience=...) lists every result, a
     page at a time, with filters by type and theme (and audience on the affiliate site) and
     their counts; its state lives in the URL, so a search can be shared or bookmarked.
   Nothing is loaded from another host: Pagefind's script, its WebAssembly and index come
   from this site. */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("..", script.src);               // assets/search.js -> the site's root
  var FACETS = [["type", "Type"], ["theme", "Theme"], ["audience", "Audience"]];
  var POPUP_RESULTS = 6;
  var PAGE_RESULTS = 20;
  var engine = null;

  /* Pagefind, loaded once, on first use (focus or typing), so pages cost nothing until then. */
  function pagefind() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({ baseUrl: root.pathname, excerptLength: 24 }).then(function () {
          return pf.init();
        }).then(function () { return pf; });
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  // no index: the preview (`hubgen serve`), or a site with no record yet
  var UNAVAILABLE = "Search is not available here: this site has no search index (it is made by " +
    "`hubgen build` once the site holds a record).";

  /* Pagefind counts the values of the filters a search names: every facet of the index is
     named, the chosen value or none ([]), `except` always none. */
  function filtersOf(state, known, except) {
    var filters = {};
    FACETS.forEach(function (facet) {
      var name = facet[0];
      if (name in known) filters[name] = state[name] && name !== except ? state[name] : [];
    });
    return filters;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt is the page's text with `<` and `>` escaped and the matching words in
     <mark>: written as text and <mark> elements, never as HTML. */
  function writeExcerpt(node, excerpt) {
    excerpt.split(/<\/?mark>/).forEach(function (part, i) {
      var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      node.appendChild(i % 2 ? el("mark", "", text) : document.createTextNode(text));
    });
  }

  /* One result: its title (a link), type, excerpt (or summary) and themes. */
  function resultBody(data, withExcerpt) {
    var meta = data.meta || {};
    var body = document.createDocumentFragment();
    var head = el("span", "hub-result__head");
    head.appendChild(el("span", "hub-result__title", meta.title || data.url));
    if (meta.type) head.appendChild(el("span", "hub-type", meta.type));
    body.appendChild(head);
    var excerpt = el("span", "hub-result__excerpt");
    if (withExcerpt && data.excerpt) writeExcerpt(excerpt, data.excerpt);
    else excerpt.textContent = meta.summary || "";
    body.appendChild(excerpt);
    if (meta.themes && meta.type !== "Theme") {
      body.appendChild(el("span", "hub-result__themes", "Themes: " + meta.themes));
    }
    return body;
  }

  function countText(n) { return n === 1 ? "1 result" : n + " results"; }

  /* -- the header's box ------------------------------------------------------------------ */

  function setUpBox(form) {
    var input = form.querySelector("input[name=q]");
    var popup = form.querySelector("[role=listbox]");
    var status = form.querySelector("[data-hub-search-status]");
    var options = [];
    var active = -1;
    var asked = 0;

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function resultsUrl(query) {
      var url = new URL("search/", root);
      url.searchParams.set("q", query);
      return url.href;
    }

    function show(query, search, datas) {
      popup.textContent = "";
      options = datas.map(function (data, i) {
        var option = el("a", "hub-search__option");
        option.id = "hub-search-option-" + i;
        option.href = data.url;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.tabIndex = -1;
        option.appendChild(resultBody(data, true));
        popup.appendChild(option);
        return option;
      });
      var total = search.results.length;
      var all = el("a", "hub-search__all", total
        ? "See all " + countText(total) + ", with filters"
        : "No results for \u201c" + query + "\u201d. Try other words, or browse all records.");
      all.id = "hub-search-option-all";
      all.href = total ? resultsUrl(query) : new URL("records/", root).href;
      all.setAttribute("role", "option");
      all.setAttribute("aria-selected", "false");
      all.tabIndex = -1;
      popup.appendChild(all);
      options.push(all);
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
      popup.setAttribute("data-hub-query", query);  // what the tests and the benchmark wait for
      status.textContent = countText(total) + " for " + query + ".";
      active = -1;
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++asked;
      if (!query) { close(); popup.removeAttribute("data-hub-query"); return; }
      pagefind().then(function (pf) {
        return pf.search(query).then(function (search) {
          if (ticket !== asked || !search) return null;
          return Promise.all(search.results.slice(0, POPUP_RESULTS).map(function (r) { return r.data(); }))
            .then(function (datas) { if (ticket === asked) show(query, search, datas); });
        });
      }).catch(function () {
        if (ticket !== asked) return;
        popup.textContent = "";
        popup.appendChild(el("p", "hub-search__none", UNAVAILABLE));
        popup.hidden = false;
        popup.setAttribute("data-hub-query", query);
      });
    }

    input.addEventListener("focus", function () { pagefind().catch(function () {}); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (popup.hidden) { if (input.value.trim()) run(); return; }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        choose(Math.max(-1, Math.min(options.length - 1, active + step)));
      } else if (event.key === "Enter" && active >= 0 && !popup.hidden) {
        event.preventDefault();
        window.location.href = options[active].href;
      } else if (event.key === "Escape") {
        if (!popup.hidden) { event.preventDefault(); close(); } else { input.blur(); }
      }
    });
    form.addEventListener("submit", function (event) {
      if (!input.value.trim()) event.preventDefault();
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  /* -- the results page ------------------------------------------------------------------ */

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "" };
    FACETS.forEach(function (facet) { state[facet[0]] = params.get(facet[0]) || ""; });
    return state;
  }

  function setUpResults(form) {
    var input = form.querySelector("input[name=q]");
    var facetsBox = form.querySelector("[data-hub-facets]");
    var status = document.querySelector("[data-hub-results-status]");
    var list = document.querySelector("[data-hub-results-list]");
    var more = document.querySelector("[data-hub-results-more]");
    var toggle = form.querySelector("[data-hub-facets-toggle]");
    var state = readState();
    var results = [];
    var shown = 0;
    var asked = 0;
    var typing = null;

    function writeUrl(push) {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      FACETS.forEach(function (facet) { if (state[facet[0]]) params.set(facet[0], state[facet[0]]); });
      var url = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
      if (url !== window.location.pathname + window.location.search) {
        window.history[push ? "pushState" : "replaceState"](null, "", url);
      }
    }

    /* Counts per value: for a facet with a value chosen, what choosing another would give
       (the query and the other facets' choices); for the others, within the current results. */
    function counts(pf, search, known) {
      var jobs = FACETS.map(function (facet) {
        var name = facet[0];
        if (!state[name]) return Promise.resolve((search.filters || {})[name] || {});
        return pf.search(state.q || null, { filters: filtersOf(state, known, name) }).then(function (s) {
          return (s.filters || {})[name] || {};
        });
      });
      return Promise.all(jobs);
    }

    function drawFacets(all, found) {
      facetsBox.textContent = "";
      var on = FACETS.filter(function (f) { return state[f[0]]; }).length;
      toggle.textContent = on ? "Filter (" + on + " on)" : "Filter";
      FACETS.forEach(function (facet, i) {
        var name = facet[0];
        var values = Object.keys(all[name] || {}).sort(function (a, b) { return a.localeCompare(b); });
        if (!values.length) return;
        var set = el("fieldset", "hub-facet");
        set.appendChild(el("legend", "", facet[1]));
        var choices = [["", "All"]].concat(values.map(function (v) { return [v, v]; }));
        choices.forEach(function (choice) {
          var label = el("label", "hub-facet__choice");
          var radio = document.createElement("input");
          radio.type = "radio";
          radio.name = name;
          radio.value = choice[0];
          radio.checked = state[name] === choice[0];
          var count = choice[0] ? (found[i][choice[0]] || 0) : null;
          if (count === 0 && !radio.checked) label.classList.add("hub-facet__choice--empty");
          label.appendChild(radio);
          label.appendChild(document.createTextNode(" " + choice[1]));
          if (count !== null) label.appendChild(el("span", "hub-facet__count", String(count)));
          label.setAttribute("data-count", count === null ? "" : String(count));
          set.appendChild(label);
        });
        facetsBox.appendChild(set);
      });
    }

    function showMore() {
      var next = results.slice(shown, shown + PAGE_RESULTS);
      var ticket = asked;
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
        if (ticket !== asked) return;
        datas.forEach(function (data) {
          var item = el("li", "hub-result");
          var link = el("a", "hub-result__link");
          link.href = data.url;
          link.appendChild(resultBody(data, Boolean(state.q)));
          item.appendChild(link);
          list.appendChild(item);
        });
        shown += next.length;
        more.hidden = shown >= results.length;
        more.textContent = "Show more results (" + (results.length - shown) + " more)";
      });
    }

    function run() {
      var ticket = ++asked;
      form.removeAttribute("data-hub-done");
      var filtered = FACETS.some(function (f) { return state[f[0]]; });
      if (!state.q && !filtered) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "Type a word to search every record, or choose a type or theme.";
      }
      return pagefind().then(function (pf) {
        return pf.filters().then(function (known) {
          var searching = (state.q || filtered)
            ? pf.search(state.q || null, { filters: filtersOf(state, known, null) }) : Promise.resolve(null);
          return Promise.all([searching, known]);
        }).then(function (both) {
          var search = both[0];
          if (ticket !== asked) return null;
          return counts(pf, search || { filters: both[1] }, both[1]).then(function (found) {
            if (ticket !== asked) return null;
            drawFacets(both[1], found);
            if (!search) { form.setAttribute("data-hub-done", ""); return null; }
            results = search.results;
            shown = 0;
            list.textContent = "";
            var what = state.q ? " for \u201c" + state.q + "\u201d" : "";
            status.textContent = results.length
              ? countText(results.length) + what + "."
              : "No results" + what + ". Try other words, or fewer filters.";
            return showMore().then(function () {
              if (ticket === asked) form.setAttribute("data-hub-done", state.q);
            });
          });
        });
      }).catch(function () {
        status.textContent = UNAVAILABLE;
      });
    }

    function restore() {
      state = readState();
      input.value = state.q;
      run();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      state.q = input.value.trim();
      writeUrl(true);
      run();
    });
    input.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () {
        state.q = input.value.trim();
        writeUrl(false);
        run();
      }, 150);
    });
    facetsBox.addEventListener("change", function (event) {
      if (event.target.type !== "radio") return;
      state[event.target.name] = event.target.value;
      writeUrl(true);
      run().then(function () {
        var again = facetsBox.querySelector("input[name='" + event.target.name + "'][value='" +
          CSS.escape(event.target.value) + "']");
        if (again) again.focus();  // the filters were drawn again: keep the keyboard's place
      });
    });
    more.addEventListener("click", function () {
      var first = list.children.length;
      showMore().then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) link.focus();
      });
    });
    // On a phone the filters sit behind one button, so the results start on the first screen
    // (CSS shows the button on narrow screens only).
    facetsBox.classList.add("hub-results-facets--collapsed");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = facetsBox.classList.toggle("hub-results-facets--collapsed") === false;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    window.addEventListener("popstate", restore);
    restore();
    if (!state.q) input.focus();
  }

  document.querySelectorAll("form[data-hub-search]").forEach(setUpBox);
  document.querySelectorAll("form[data-hub-results]").forEach(setUpResults);
})();
