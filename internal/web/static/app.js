// aims progressive enhancement. Every page works without this file; it only adds conveniences.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Copy buttons: <button data-copy="ID" hidden> copies the value of the element with that id. They stay
  // hidden where the clipboard cannot be reached, since the value can be selected and copied by hand.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target ? target.value : target.textContent;
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed";
      });
      window.setTimeout(function () { button.textContent = "Copy"; }, 2500);
    });
  });

  // Forms with data-confirm ask before doing something that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });

  // Tables wider than their card scroll inside it: say so above the table, and keep saying it only while
  // it is true (the window can be turned or resized).
  var wraps = document.querySelectorAll(".table-wrap");
  wraps.forEach(function (wrap) {
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.textContent = "Scroll sideways to see every column.";
    wrap.parentNode.insertBefore(hint, wrap);
  });
  function markScrollable() {
    wraps.forEach(function (wrap) {
      wrap.previousElementSibling.classList.toggle("is-scrollable", wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });

  // The EU AI Act questionnaire shows only the questions that the answers given so far ask: each question
  // carries its conditions (data-when: every one must hold; a condition holds when the answer to its key
  // includes one of any_of, or none of none_of), as the server applies them. A step with no question left
  // is hidden too. Without the script every question is shown, those that do not apply marked so.
  document.querySelectorAll("form[data-questionnaire]").forEach(function (form) {
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-when]"));
    function answers() {
      var out = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) {
          return;
        }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
          return;
        }
        if (el.value === "") {
          return;
        }
        (out[el.name] = out[el.name] || []).push(el.value);
      });
      return out;
    }
    function update() {
      var given = answers();
      fields.forEach(function (field) {
        var conditions = JSON.parse(field.dataset.when || "[]");
        field.hidden = !conditions.every(function (c) {
          var values = given[c.key] || [];
          var hit = function (list) { return values.some(function (v) { return list.indexOf(v) >= 0; }); };
          return (!c.any_of || hit(c.any_of)) && (!c.none_of || !hit(c.none_of));
        });
      });
      form.querySelectorAll("fieldset.step").forEach(function (step) {
        step.hidden = step.querySelector("[data-when]:not([hidden])") === null;
      });
    }
    // What the page says for readers without the script is moot with it: a question shown applies.
    fields.forEach(function (field) { field.classList.remove("muted"); });
    form.querySelectorAll(".not-applies, .when-note").forEach(function (el) { el.hidden = true; });
    form.addEventListener("change", update);
    update();
  });
});
