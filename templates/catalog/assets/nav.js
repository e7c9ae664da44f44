// On a narrow screen the main navigation is one row that scrolls sideways; this keeps the
// current section in view when a page opens. Without script the row simply starts at its first item.
(function () {
  'use strict';
  var list = document.querySelector('.site-nav ul');
  var current = list && list.querySelector('[aria-current]');
  if (!list || !current || list.scrollWidth <= list.clientWidth) return;
  var item = current.parentElement;
  var offset = item.getBoundingClientRect().left - list.getBoundingClientRect().left + list.scrollLeft;
  list.scrollLeft = Math.max(0, offset - (list.clientWidth - item.offsetWidth) / 2);
})();
