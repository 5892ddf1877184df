(function () {
  "use strict";
  var body = document.body, tip = document.getElementById("tip");
  function switcher(id, cls) {
    var box = document.getElementById(id);
    if (!box) return;
    var apply = function () { body.classList.toggle(cls, box.checked); hide(); };
    box.addEventListener("change", apply);
    apply();
  }
  var marks = document.querySelectorAll("mark.e");
  document.querySelectorAll("input[data-l]").forEach(function (box) {
    var apply = function () {
      var l = box.getAttribute("data-l");
      marks.forEach(function (m) {
        if (m.getAttribute("data-l") === l) {
          m.classList.toggle("off", !box.checked);
          if (!m.classList.contains("more")) m.tabIndex = box.checked ? 0 : -1;
        }
      });
    };
    box.addEventListener("change", apply);
    apply();
  });
  function row(key, value) {
    var d = document.createElement("div"), k = document.createElement("span");
    k.className = "k"; k.textContent = key + " ";
    d.appendChild(k); d.appendChild(document.createTextNode(value));
    return d;
  }
  function visible(text) { return text.replace(/\r\n|[\n\r\u2028\u2029]/g, "\u21B5"); }
  function first(el) {
    var id = el.getAttribute("data-e");
    return id === null ? el : document.getElementById("e" + id) || el;
  }
  function fill(el) {
    tip.textContent = "";
    if (el.matches("mark.e")) {
      var m = first(el), o = (m.getAttribute("data-o") || "").split(",");
      var head = document.createElement("div"), b = document.createElement("span"), h = document.createElement("span");
      b.className = "badge " + (m.className.match(/c\d/) || [""])[0];
      b.textContent = m.getAttribute("data-l");
      h.className = "h";
      var whole = "";
      document.querySelectorAll('mark.e[data-e="' + m.getAttribute("data-e") + '"]').forEach(function (x) { whole += x.textContent; });
      h.textContent = visible(whole);
      head.appendChild(b); head.appendChild(h); tip.appendChild(head);
      if (visible(whole) !== whole) tip.appendChild(row("\u21B5", "marks a line break in the original text"));
      tip.appendChild(row("simplified (norm)", m.getAttribute("data-n")));
      var s = m.getAttribute("data-s");
      tip.appendChild(row("sentence", s === "" ? "\u2014 (outside every sentence)" : s));
      tip.appendChild(row("chars", o[0] + "\u2013" + o[1] + " (code points, from 0)"));
    } else {
      tip.appendChild(row("token", visible(el.textContent)));
      if (el.hasAttribute("data-n")) tip.appendChild(row("norm", el.getAttribute("data-n")));
      tip.appendChild(row("POS", el.getAttribute("data-p") + " \u00B7 UPOS " + el.getAttribute("data-u")));
    }
  }
  function place(el) {
    var r = el.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
    var x = Math.min(Math.max(4, r.left), window.innerWidth - w - 4);
    var y = r.bottom + 6;
    if (y + h > window.innerHeight - 4) y = Math.max(4, r.top - h - 6);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  var current = null;
  function show(el) {
    current = el; fill(el); tip.hidden = false; place(el);
    el.setAttribute("aria-describedby", "tip");
  }
  function hide() {
    if (current) current.removeAttribute("aria-describedby");
    current = null; tip.hidden = true;
  }
  function target(ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return null;
    if (body.classList.contains("tok")) {
      var tk = t.closest(".t");
      if (tk) return tk;
    }
    var m = t.closest("mark.e");
    return m && !m.classList.contains("off") ? m : null;
  }
  document.addEventListener("mouseover", function (ev) { var el = target(ev); if (el) show(el); else if (current) hide(); });
  document.addEventListener("focusin", function (ev) { var el = target(ev); if (el) show(el); else hide(); });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") hide(); });
  window.addEventListener("scroll", function () { if (current) place(current); }, { passive: true });
  switcher("sw-tokens", "tok");
  switcher("sw-lines", "lines");
  // a link to view.html#e12 (from the corpus report) shows entity 12
  function fromHash() {
    var m = /^#(e\d+)$/.exec(location.hash), el = m && document.getElementById(m[1]);
    if (!el) return;
    el.focus({ preventScroll: true });
    var r = el.getBoundingClientRect();
    if (r.top < 80 || r.bottom > window.innerHeight) el.scrollIntoView({ block: "center" });
    show(el);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.documentElement.classList.add("js");
})();
