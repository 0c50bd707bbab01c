/* Booking form: show the parent or guardian block only when the birth date makes it needed.
 * Progressive enhancement: without JavaScript the server shows the block when it is needed
 * (after a first submit with a birth date under the age), so the form stays correct.
 * The age rule is the server's (matching.engine.age_on): whole years, a 29 February birthday
 * counted on 28 February in non-leap years. */
(function () {
  "use strict";
  var block = document.querySelector("[data-guardian-age]");
  var birth = document.getElementById("id_birth_date");
  if (!block || !birth) {
    return;
  }
  var limit = parseInt(block.getAttribute("data-guardian-age"), 10);
  var today = parseDate(block.getAttribute("data-today"));

  function parseDate(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!match) {
      match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value || "");
      return match ? {y: +match[3], m: +match[2], d: +match[1]} : null;
    }
    return {y: +match[1], m: +match[2], d: +match[3]};
  }

  function isLeap(year) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  }

  function ageOn(birthDate, on) {
    var years = on.y - birthDate.y;
    var month = birthDate.m;
    var day = birthDate.d;
    if (month === 2 && day === 29 && !isLeap(on.y)) {
      day = 28;
    }
    if (on.m < month || (on.m === month && on.d < day)) {
      years -= 1;
    }
    return years;
  }

  function update() {
    var birthDate = parseDate(birth.value);
    var needed = Boolean(birthDate && today && birthDate.y > 1900 &&
                         ageOn(birthDate, today) < limit);
    block.hidden = !needed;
  }

  birth.addEventListener("input", update);
  birth.addEventListener("change", update);
  update();
}());
