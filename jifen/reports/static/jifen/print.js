// The print button of a print-ready form (reports/print_form.html). A file of its own, not an
// onclick attribute: the Content-Security-Policy runs no inline script (docs/decisions.md).
document.addEventListener("click", function (event) {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
