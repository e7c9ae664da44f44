// Filters for the incidents list. Every row is in the page already (it reads without script);
// this only hides the rows the chosen severity, status, service and month leave out. It reads
// the rows' data attributes and sets textContent only: nothing is ever parsed as HTML, and the
// one sentence it writes comes from the page's own data attribute.
(function () {
  'use strict';
  var form = document.getElementById('incident-filters');
  var count = document.getElementById('incident-count');
  var none = document.getElementById('incident-none');
  if (!form || !count || !none) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-filter]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.incidents tbody tr'));
  var template = count.getAttribute('data-msg-count') || '';

  function matches(row) {
    return selects.every(function (sel) {
      if (!sel.value) return true;
      var have = row.getAttribute('data-' + sel.getAttribute('data-filter')) || '';
      // A row names several services, space-separated; the other filters hold one value.
      return have.split(' ').indexOf(sel.value) !== -1;
    });
  }

  function update() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = template.replace('{matched}', String(shown)).replace('{total}', String(rows.length));
    none.hidden = shown !== 0;
  }

  selects.forEach(function (sel) { sel.addEventListener('change', update); });
  document.getElementById('clear').addEventListener('click', function () {
    selects.forEach(function (sel) { sel.value = ''; });
    update();
  });
  form.hidden = false;
  update();
})();
