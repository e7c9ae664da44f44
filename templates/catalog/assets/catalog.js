// Search and filters for the catalog's index page. Data comes from search-index.js (a script,
// because a page opened from file:// may not fetch JSON); the interface's words come from the
// page's data attributes, so this file holds no text of its own. Results are built with DOM
// methods and textContent only: nothing from the data is ever parsed as HTML.
(function () {
  'use strict';
  var data = window.OPSLEDGER_INDEX;
  var form = document.getElementById('search');
  var list = document.getElementById('results');
  var count = document.getElementById('result-count');
  var moreButton = document.getElementById('more');
  if (!data || !form || !list || !count || !moreButton) return;

  var PAGE = 100;
  var q = document.getElementById('q');
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-filter]'));
  var clear = document.getElementById('clear');
  var shown = PAGE;
  var matches = [];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function optionText(filter, value) {
    var select = form.querySelector('select[data-filter="' + filter + '"]');
    if (select) {
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === String(value)) return select.options[i].textContent;
    }
    return String(value);
  }

  var teams = data.teams;
  var services = data.services.map(function (row) {
    var owners = row[6].map(function (i) { return teams[i] || ['', '']; });
    var ownerText = owners.map(function (t) { return t[0] + ' ' + t[1]; }).join(' ');
    return {
      name: row[0],
      title: row[1],
      tier: String(row[2]),
      exposure: row[3],
      lifecycle: row[4],
      readiness: row[5],
      owners: owners,
      labels: row[7],
      system: row[8] || '',
      nameLower: row[0].toLowerCase(),
      titleLower: row[1].toLowerCase(),
      haystack: (row[0] + ' ' + row[1] + ' ' + ownerText + ' ' + row[7]).toLowerCase()
    };
  });

  function state() {
    var s = { q: q.value.trim().toLowerCase() };
    selects.forEach(function (sel) { s[sel.dataset.filter] = sel.value; });
    return s;
  }

  function rank(svc, query) {
    if (!query) return 0;
    if (svc.nameLower === query || svc.titleLower === query) return 0;
    if (svc.nameLower.indexOf(query) === 0 || svc.titleLower.indexOf(query) === 0) return 1;
    if (svc.nameLower.indexOf(query) >= 0 || svc.titleLower.indexOf(query) >= 0) return 2;
    return 3;
  }

  function search(s) {
    var words = s.q ? s.q.split(/\s+/) : [];
    var out = [];
    for (var i = 0; i < services.length; i++) {
      var svc = services[i];
      if (s.tier && svc.tier !== s.tier) continue;
      if (s.exposure && svc.exposure !== s.exposure) continue;
      if (s.lifecycle && svc.lifecycle !== s.lifecycle) continue;
      if (s.readiness && svc.readiness !== s.readiness) continue;
      if (s.owner && !svc.owners.some(function (t) { return t[0] === s.owner; })) continue;
      if (s.system && svc.system !== s.system) continue;
      var ok = true;
      for (var w = 0; w < words.length && ok; w++) ok = svc.haystack.indexOf(words[w]) >= 0;
      if (ok) out.push({ svc: svc, rank: rank(svc, s.q) });
    }
    out.sort(function (a, b) { return a.rank - b.rank || (a.svc.name < b.svc.name ? -1 : a.svc.name > b.svc.name ? 1 : 0); });
    return out.map(function (m) { return m.svc; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(className, text) {
    return el('span', 'badge ' + className, text);
  }

  function card(svc) {
    var li = el('li', 'card service-card');
    var h = el('h3', 'card-title');
    var a = el('a', '', svc.title || svc.name);
    a.setAttribute('href', 'services/' + encodeURIComponent(svc.name) + '.html');
    h.appendChild(a);
    li.appendChild(h);
    var name = el('p', 'card-name');
    name.appendChild(el('code', '', svc.name));
    li.appendChild(name);
    var badges = el('p', 'badges');
    var list = [
      badge('tier tier-' + svc.tier, optionText('tier', svc.tier)),
      badge('exposure', optionText('exposure', svc.exposure)),
      badge('lifecycle lifecycle-' + svc.lifecycle, optionText('lifecycle', svc.lifecycle))
    ];
    // An empty level means the organisation has no readiness rules: no badge, as on the page.
    if (svc.readiness) list.push(badge('readiness readiness-' + svc.readiness, optionText('readiness', svc.readiness)));
    list.forEach(function (b) { badges.appendChild(b); badges.appendChild(document.createTextNode(' ')); });
    li.appendChild(badges);
    var owners = el('p', 'card-owners');
    owners.appendChild(el('span', 'muted', count.dataset.msgOwned));
    owners.appendChild(document.createTextNode(' ' + svc.owners.map(function (t) { return t[1] || t[0]; }).join(', ')));
    li.appendChild(owners);
    if (svc.labels) {
      var chips = el('ul', 'chips');
      chips.setAttribute('aria-label', count.dataset.msgLabels);
      svc.labels.split(' ').forEach(function (pair) {
        var at = pair.indexOf('=');
        var chip = el('li', 'chip');
        chip.appendChild(el('span', 'chip-key', pair.slice(0, at)));
        chip.appendChild(document.createTextNode('='));
        chip.appendChild(el('span', '', pair.slice(at + 1)));
        chips.appendChild(chip);
      });
      li.appendChild(chips);
    }
    return li;
  }

  function render() {
    var visible = matches.slice(0, shown);
    var fragment = document.createDocumentFragment();
    visible.forEach(function (svc) { fragment.appendChild(card(svc)); });
    list.replaceChildren(fragment);
    count.textContent = matches.length ? fill(count.dataset.msgCount, { matched: matches.length, total: services.length }) : count.dataset.msgNone;
    var rest = matches.length - visible.length;
    moreButton.hidden = rest <= 0;
    if (rest > 0) moreButton.textContent = fill(count.dataset.msgMore, { n: Math.min(PAGE, rest) });
  }

  function writeHash(s) {
    var parts = [];
    Object.keys(s).forEach(function (k) { if (s[k]) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(s[k])); });
    try {
      history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the search still works.
    }
  }

  function readHash() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var at = pair.indexOf('=');
      if (at > 0) {
        try {
          params[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1));
        } catch (e) {
          // A malformed fragment is ignored.
        }
      }
    });
    if (params.q) q.value = params.q;
    selects.forEach(function (sel) {
      var v = params[sel.dataset.filter];
      if (v && Array.prototype.some.call(sel.options, function (o) { return o.value === v; })) sel.value = v;
    });
  }

  function update() {
    var s = state();
    shown = PAGE;
    matches = search(s);
    render();
    writeHash({ q: q.value.trim(), tier: s.tier, exposure: s.exposure, lifecycle: s.lifecycle, owner: s.owner, system: s.system, readiness: s.readiness });
  }

  form.hidden = false;
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  q.addEventListener('input', update);
  selects.forEach(function (sel) { sel.addEventListener('change', update); });
  clear.addEventListener('click', function () {
    q.value = '';
    selects.forEach(function (sel) { sel.value = ''; });
    update();
    q.focus();
  });
  moreButton.addEventListener('click', function () {
    shown += PAGE;
    render();
  });
  readHash();
  update();
})();
