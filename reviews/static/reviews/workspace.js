// The claim workspace's keys (hints are on the page): J / K next and previous claim, T take,
// Ctrl+S (or Cmd+S) save, Ctrl+Enter submit and take next. Letters only act outside fields.
(function () {
  "use strict";
  function press(selector) {
    var button = document.querySelector(selector);
    if (button) {
      button.click();
      return true;
    }
    return false;
  }
  // The preview's ClaimReview, fetched once the page is up (it can list thousands of
  // appearances).
  document.addEventListener("DOMContentLoaded", function () {
    var claimReview = document.getElementById("preview-claimreview");
    if (!claimReview) return;
    fetch(claimReview.dataset.src, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (text) {
        claimReview.textContent = text;
      })
      .catch(function () {
        claimReview.textContent = "The preview could not be loaded; reload the page.";
      });
  });
  document.addEventListener("keydown", function (event) {
    var workspace = document.getElementById("workspace");
    if (!workspace || event.defaultPrevented) return;
    // Writing a note is not working on the verdict: no key there saves or submits it.
    if (event.target.closest && event.target.closest("#notes")) return;
    var command = event.ctrlKey || event.metaKey;
    if (command && event.key === "Enter") {
      if (press("#submit-next")) event.preventDefault();
      return;
    }
    if (command && (event.key === "s" || event.key === "S")) {
      if (press("#save-verdict")) event.preventDefault();
      return;
    }
    if (command || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key.toLowerCase();
    var url = key === "j" ? workspace.dataset.next : key === "k" ? workspace.dataset.previous : "";
    if (url) {
      event.preventDefault();
      window.location.assign(url);
    } else if (key === "t" && press("#take-claim")) {
      event.preventDefault();
    }
  });
})();
