// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Confirm dangerous actions: <button data-confirm="...">
  document.body.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // After an htmx swap of a row that says what happened (data-announce): read it out and keep
  // the keyboard in the row instead of dropping focus to the top of the page.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target && document.getElementById(event.detail.target.id);
    var live = document.getElementById("qf-live");
    if (!row || !row.hasAttribute("data-announce")) {
      return;
    }
    if (live) {
      live.textContent = row.getAttribute("data-announce");
    }
    var focusable = row.querySelector("a, button, input:not([type=hidden])");
    if (focusable) {
      focusable.focus();
    }
  });
  // "Select all" checkboxes: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
  // The quantity's measure word follows the activity type: <input data-measures='{"banner":"条"}'>
  document.querySelectorAll("[data-measures]").forEach(function (input) {
    var units = JSON.parse(input.getAttribute("data-measures"));
    var base = input.getAttribute("data-measure-label");
    var label = document.querySelector('label[for="' + input.id + '"]');
    var type = input.form && input.form.querySelector('[name="type"]');
    if (!label || !type) return;
    var relabel = function () {
      var unit = units[type.value];
      label.textContent = unit ? base + "（" + unit + "）" : base;
    };
    type.addEventListener("change", relabel);
    relabel();
  });
});
