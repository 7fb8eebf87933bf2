// hubgen's additions to Decap CMS: what the editor saves is what `hubgen check` accepts.
//
// - A field left empty in a form is left out of the file rather than written as an empty
//   text or list (`hubgen check` refuses `body: ""`: a field is given or it is not).
// - The rules a form cannot express, which involve two fields, are checked before saving,
//   with the same advice `hubgen check` gives: the save is refused with the message shown.
(function () {
  "use strict";

  var REFERENCE = /^(tools|webinars|clauses|events|takeaways)\/[a-z0-9]+(-[a-z0-9]+)*$/;

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

  function given(data, name) {
    return !isEmpty(data.get(name));
  }

  // What `hubgen check` would refuse in `data` (cleaned) of a record of `collection`.
  function problems(collection, data) {
    var found = [];
    (data.get("related") || []).forEach(function (ref) {
      if (!REFERENCE.test(ref)) {
        found.push("Related: “" + ref + "” is not a record; pick a tool, webinar, clause, " +
                   "event or takeaway.");
      }
    });
    if (collection === "webinars") {
      if (given(data, "starts") && !given(data, "duration")) {
        found.push("Duration is required when Starts is given: add the length in minutes, e.g. 60.");
      }
      if (given(data, "duration") && !given(data, "starts")) {
        found.push("Duration is given without Starts: add the date and time, or empty Duration.");
      }
      ["registration", "recording", "slides"].forEach(function (name) {
        var link = data.get(name);
        if (link && (isEmpty(link.get("title")) !== isEmpty(link.get("url")))) {
          found.push(name.charAt(0).toUpperCase() + name.slice(1) +
                     ": give both its title and its address, or neither.");
        }
      });
    }
    if (collection === "events" && given(data, "starts") && given(data, "ends") &&
        data.get("ends") < data.get("starts")) {
      found.push("Ends (" + data.get("ends") + ") is before Starts (" + data.get("starts") +
                 "): correct one of the two dates.");
    }
    if (collection === "takeaways") {
      if (given(data, "points") && given(data, "sections")) {
        found.push("Give Points or Sections, not both.");
      } else if (!given(data, "points") && !given(data, "sections")) {
        found.push("Add at least one point (or a section with points).");
      }
    }
    return found;
  }

  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var data = clean(event.entry.get("data"));
      var found = problems(event.entry.get("collection"), data);
      if (found.length) {
        throw new Error("Not saved. " + found.join(" "));
      }
      return data;
    },
  });
})();
