(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var labels = data.labels, docs = data.docs, ents = data.ents, PAGE = data.page;
  var NUM0 = 4; // the first numeric column of a document row (chars)
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function enc(path) {
    var p = path.split("/").map(encodeURIComponent).join("/");
    return path.indexOf("../") === 0 || path.indexOf("./") === 0 ? p : "./" + p;
  }
  // a document's view: its own href, or (0) its id without extension + ".html"
  function view(d) {
    if (d[1]) return enc(d[1]);
    var id = d[0], s = id.lastIndexOf("/") + 1, dot = id.lastIndexOf(".");
    return enc((dot > s ? id.slice(0, dot) : id) + ".html");
  }
  function link(i, mention) {
    var a = el("a", "", docs[i][0]);
    a.href = view(docs[i]) + (mention === undefined ? "" : "#e" + mention);
    return a;
  }
  // ---- the document table: sortable, paginated, filtered by the search box
  var tbody = document.querySelector("#doctable tbody");
  var heads = document.querySelectorAll("#doctable th");
  var rows = docs.map(function (_, i) { return i; }), shown = rows, page = 0;
  var sortCol = -1, sortDir = 1;
  var pagerText = document.getElementById("pagetext");
  var prev = document.getElementById("prev"), next = document.getElementById("next");
  function cell(d, c) {
    if (c === 1) return data.scripts[d[2]];
    if (c === 2) return data.langs[d[3]];
    return d[NUM0 + c - 3];
  }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    var from = page * PAGE, to = Math.min(shown.length, from + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var i = shown[k], d = docs[i], tr = el("tr");
      var td = el("td", "name"); td.appendChild(link(i)); tr.appendChild(td);
      tr.appendChild(el("td", "", data.scripts[d[2]]));
      tr.appendChild(el("td", "", data.langs[d[3]]));
      for (var c = NUM0; c < d.length; c++) tr.appendChild(el("td", "num", fmt(d[c])));
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    pagerText.textContent = shown.length === 0 ? "no documents match"
      : "documents " + fmt(from + 1) + "\u2013" + fmt(to) + " of " + fmt(shown.length) +
        (shown.length < docs.length ? " (of " + fmt(docs.length) + ")" : "") + " \u00B7 page " + (page + 1) + " of " + pages;
    prev.parentNode.classList.toggle("one", pages === 1);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  function sortBy(c) {
    sortDir = c === sortCol ? -sortDir : (c === 0 || c === 1 || c === 2 ? 1 : -1);
    sortCol = c;
    var key = c === 0 ? function (i) { return docs[i][0]; } : function (i) { return cell(docs[i], c); };
    var cmp = function (a, b) {
      var x = key(a), y = key(b);
      var r = x < y ? -1 : x > y ? 1 : 0;
      return r * sortDir || a - b;
    };
    rows = rows.slice().sort(cmp);
    shown = shown.slice().sort(cmp);
    heads.forEach(function (th, k) {
      if (k === c) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    page = 0;
    render();
  }
  heads.forEach(function (th, c) {
    var b = th.querySelector("button");
    if (b) b.addEventListener("click", function () { sortBy(c); });
  });
  prev.addEventListener("click", function () { page--; render(); });
  next.addEventListener("click", function () { page++; render(); });
  // ---- search over documents and entities
  var q = document.getElementById("q"), hits = document.getElementById("hits");
  var hitList = document.getElementById("hitlist"), hitCount = document.getElementById("hitcount");
  var qcount = document.getElementById("qcount");
  function entityItem(e) {
    var li = el("li", "c" + data.colours[e[0]]), head = el("div", "head");
    head.appendChild(el("span", "badge", labels[e[0]]));
    head.appendChild(el("b", "", e[1]));
    if (e[2] !== e[1]) head.appendChild(el("span", "hint", e[2]));
    head.appendChild(el("span", "num", fmt(e[3]) + " mentions \u00B7 " + fmt(e[4]) + " documents"));
    li.appendChild(head);
    var ul = el("ul", "dl");
    e[5].forEach(function (p) {
      var item = el("li"); item.appendChild(link(p[0], p[2]));
      item.appendChild(el("span", "n", "\u00D7" + p[1]));
      ul.appendChild(item);
    });
    if (e[4] > e[5].length) ul.appendChild(el("li", "more", "and " + fmt(e[4] - e[5].length) + " more (entities.csv lists every mention)"));
    li.appendChild(ul);
    return li;
  }
  function search() {
    var s = q.value.trim().toLowerCase();
    if (!s) {
      shown = rows; hits.hidden = true; qcount.textContent = ""; page = 0; render(); return;
    }
    shown = rows.filter(function (i) { return docs[i][0].toLowerCase().indexOf(s) >= 0; });
    var found = ents.filter(function (e) {
      return e[1].toLowerCase().indexOf(s) >= 0 || e[2].toLowerCase().indexOf(s) >= 0;
    });
    var frag = document.createDocumentFragment();
    found.slice(0, data.hits).forEach(function (e) { frag.appendChild(entityItem(e)); });
    hitList.replaceChildren(frag);
    hitCount.textContent = found.length > data.hits ? "the first " + data.hits + " of " + fmt(found.length) : fmt(found.length);
    hits.hidden = found.length === 0;
    qcount.textContent = fmt(shown.length) + " documents, " + fmt(found.length) + " entities";
    page = 0;
    render();
  }
  q.addEventListener("input", search);
  search();
  document.documentElement.classList.add("js");
})();
