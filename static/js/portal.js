/* iso_portal — the one script every page loads (deferred, no inline code). On a narrow screen the main menu
   folds behind a "Menu" button; without this script the menu simply stays open. */
(function () {
  "use strict";
  // Progress bars carry their width as data-percent: the Content-Security-Policy allows no inline style.
  Array.prototype.forEach.call(document.querySelectorAll(".progress [data-percent]"), function (bar) {
    var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
    bar.style.width = percent + "%";
  });
  var toggle = document.querySelector(".nav-toggle");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) {
    return;
  }
  menu.classList.add("is-collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", open ? "false" : "true");
    menu.classList.toggle("is-open", !open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      menu.classList.remove("is-open");
      toggle.focus();
    }
  });
})();

/* A form whose answer takes seconds (a PDF report) says so while the server works: its data-busy text is shown
   in a status line and its button is marked busy until the answer comes (or after a while, for a download). */
(function () {
  "use strict";
  function reset(form) {
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".busy-status");
    if (button) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-busy");
    }
    if (status) {
      status.textContent = "";
      status.hidden = true;
    }
    delete form.dataset.sending;
  }
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    var status = document.createElement("p");
    status.className = "busy-status";
    status.setAttribute("role", "status");
    status.hidden = true;
    form.appendChild(status);
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-busy");
      }
      status.hidden = false;
      status.textContent = form.dataset.busy;
      window.setTimeout(function () { reset(form); }, 30000);
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-busy]").forEach(reset);
  });
})();
