/* The page-image viewer of scans: OpenSeadragon over opis's IIIF image service, one page
   at a time, with the OCR words a search (?q=) hits drawn on the page. The page list in
   the markup works without this script. */
(function () {
  "use strict";
  var section = document.querySelector(".page-viewer[data-iiif]");
  if (!section || typeof window.OpenSeadragon !== "function") return;
  var base = section.dataset.iiif;
  var count = parseInt(section.dataset.pages, 10) || 1;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var frame = section.querySelector(".osd-frame");
  var status = section.querySelector(".page-status");
  var hitStatus = section.querySelector(".hit-status");
  var links = section.querySelectorAll(".page-list a[data-page]");
  var sources = [];
  for (var i = 1; i <= count; i++) sources.push(base + "/p" + i + "/info.json");
  frame.hidden = false;

  var viewer = window.OpenSeadragon({
    element: section.querySelector(".osd"),
    prefixUrl: section.dataset.images,
    tileSources: sources,
    sequenceMode: true,
    showSequenceControl: false,
    showNavigator: false,
    showRotationControl: true,
    visibilityRatio: 0.5,
    gestureSettingsMouse: { clickToZoom: false },
  });

  function currentPage() { return viewer.currentPage() + 1; }

  function box(word, className) {
    var element = document.createElement("div");
    element.className = className;
    element.title = word.text + " (confidence " + word.confidence + "%)";
    var rect = viewer.viewport.imageToViewportRectangle(word.x, word.y, word.w, word.h);
    viewer.addOverlay({ element: element, location: rect });
  }

  function drawPage(page) {
    status.textContent = "Page " + page + " of " + count;
    section.dataset.page = String(page);
    links.forEach(function (link) {
      if (link.dataset.page === String(page)) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    var url = base + "/p" + page + "/hits?q=" + encodeURIComponent(query);
    fetch(url).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || currentPage() !== page) return;
        viewer.clearOverlays();
        data.uncertain.forEach(function (word) { box(word, "ocr-uncertain"); });
        data.hits.forEach(function (word) { box(word, "ocr-hit"); });
        section.dataset.hits = String(data.hits.length);
        if (query) {
          hitStatus.textContent = data.hits.length
            ? data.hits.length + " word" + (data.hits.length === 1 ? "" : "s") + " of your search marked on this page"
            : "No words of your search on this page";
        } else {
          hitStatus.textContent = data.words ? "" : "No OCR words for this page";
        }
      })
      .catch(function () { hitStatus.textContent = ""; });
  }

  viewer.addHandler("open", function () {
    var page = currentPage();
    var item = viewer.world.getItemAt(0);
    delete section.dataset.loaded;
    if (item) {
      // Tests and assistive code can tell when the page is drawn, not just opened.
      item.addHandler("fully-loaded-change", function (event) {
        if (event.fullyLoaded && currentPage() === page) section.dataset.loaded = String(page);
      });
    }
    drawPage(page);
  });
  section.querySelector(".page-prev").addEventListener("click", function () {
    if (currentPage() > 1) viewer.goToPage(currentPage() - 2);
  });
  section.querySelector(".page-next").addEventListener("click", function () {
    if (currentPage() < count) viewer.goToPage(currentPage());
  });
  section.querySelector(".show-uncertain").addEventListener("change", function (event) {
    section.classList.toggle("show-uncertain", event.target.checked);
  });
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      viewer.goToPage(parseInt(link.dataset.page, 10) - 1);
    });
  });

  // Words OCR read with low confidence are marked in the text too, page by page: each
  // page's uncertain words are found in order in that page's stretch of the text.
  var text = document.querySelector("section.text");
  function textByPage() {
    var pages = {}, page = 1, node;
    var walker = document.createTreeWalker(text, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    while ((node = walker.nextNode())) {
      if (node.nodeType === 1) {
        var label = node.classList.contains("pagebreak") && node.getAttribute("aria-label");
        if (label) page = parseInt(label.replace(/\D+/g, ""), 10) || page;
        continue;
      }
      if (node.parentNode.closest(".pagebreak, .margin, .fnref")) continue;
      (pages[page] = pages[page] || []).push(node);
    }
    return pages;
  }
  function markUncertain(nodes, words) {
    var joined = "", starts = [];
    nodes.forEach(function (node) { starts.push(joined.length); joined += node.data; });
    var found = [], cursor = 0;
    words.forEach(function (word) {
      var at = joined.indexOf(word.text, cursor);
      if (at < 0 || at - cursor > 400) return;
      cursor = at + word.text.length;
      for (var i = starts.length - 1; i >= 0; i--) {
        if (starts[i] <= at) {
          if (at + word.text.length <= starts[i] + nodes[i].data.length) {
            found.push({ node: nodes[i], start: at - starts[i], word: word });
          }
          break;
        }
      }
    });
    for (var k = found.length - 1; k >= 0; k--) {  // from the end: earlier offsets stay valid
      var item = found[k], range = document.createRange();
      range.setStart(item.node, item.start);
      range.setEnd(item.node, item.start + item.word.text.length);
      var span = document.createElement("span");
      span.className = "ocr-uncertain-word";
      span.title = "OCR read this word with " + item.word.confidence + "% confidence";
      range.surroundContents(span);
    }
  }
  if (text && count <= 200) {
    var nodesByPage = textByPage();
    for (var n = 1; n <= count; n++) {
      (function (page) {
        fetch(base + "/p" + page + "/hits")
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (data && data.shown === "ocr" && nodesByPage[page]) {
              markUncertain(nodesByPage[page], data.uncertain);
            }
          })
          .catch(function () {});
      })(n);
    }
  }

  // Opened from a search: start on the first page the query hits.
  if (query && count > 1) {
    fetch(base + "/hits?q=" + encodeURIComponent(query))
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.first && data.first !== currentPage()) viewer.goToPage(data.first - 1);
      })
      .catch(function () {});
  }
})();
