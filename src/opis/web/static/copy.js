// "Copy" buttons for the citations of a document page. Without JavaScript the
// citation text stays visible and selectable; with it, each citation gets a real
// <button> (keyboard: Tab, then Enter or Space) that copies the text as shown.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http (not localhost): copy through a selected, hidden text area.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function addButton(target) {
    var details = target.closest("details");
    var summary = details ? details.querySelector("summary") : null;
    var name = summary ? summary.textContent.trim() : "citation";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + name + " citation");
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(target.innerText.trim()).then(
        function () { status.textContent = "Copied"; },
        function () { status.textContent = "Select the text to copy it"; }
      );
    });
    target.insertAdjacentElement("afterend", status);
    target.insertAdjacentElement("afterend", button);
  }

  document.querySelectorAll(".cite details > [class^='cite-']").forEach(addButton);
})();
