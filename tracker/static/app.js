// Small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("submit", (event) => {
  // Forms that destroy data ask first: <form data-confirm="Delete this line?">.
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  // Cost form: staff time is hours × rate, so show those fields instead of the amount.
  if (event.target.matches("select[data-staff-toggle]")) {
    toggleStaffFields(event.target);
  }
  // Filter bars submit on change.
  if (event.target.closest("form[data-autosubmit]") && event.target.matches("select")) {
    event.target.form.submit();
  }
});

function toggleStaffFields(select) {
  const staff = select.value === "staff_time";
  document.querySelectorAll("[data-staff-only]").forEach((el) => { el.hidden = !staff; });
  document.querySelectorAll("[data-not-staff]").forEach((el) => { el.hidden = staff; });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-staff-toggle]").forEach(toggleStaffFields);
});
