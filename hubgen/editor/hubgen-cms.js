// hubgen's additions to Decap CMS: what the editor saves is what `hubgen check` accepts.
//
// A field left empty in a form is left out of the file rather than written as an empty
// text or list (`hubgen check` refuses `body: ""`: a field is given or it is not).
(function () {
  "use strict";

  function isEmpty(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return value.trim() === "";
    if (typeof value === "object" && typeof value.size === "number") return value.size === 0;
    return false;
  }

  // Immutable Maps and Lists (Decap's entry data) both have map and filter.
  function clean(value) {
    if (value && typeof value === "object" && typeof value.map === "function" &&
        typeof value.filter === "function" && typeof value.size === "number") {
      return value.map(clean).filter(function (item) { return !isEmpty(item); });
    }
    return value;
  }

  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) { return clean(event.entry.get("data")); },
  });
})();
