// The page's script, second half: pickers, ladders, the month view, the live examples; check, save and revert.
import { raw } from '../html.js'

/** Runs the page; needs READ_SCRIPT and the page's data (#settings-data). */
export const UI_SCRIPT = raw(String.raw`
var DATA = JSON.parse(document.getElementById('settings-data').textContent);
var W = DATA.words, form = document.getElementById('settings');
function fold(s) { return s.toLowerCase().replace(/ё/g, 'е'); }
function plural(n, f) {
  if (DATA.lang === 'en') return n === 1 ? f[0] : f[1];
  var a = Math.abs(n), t = a % 10, h = a % 100;
  if (!Number.isInteger(a)) return f[1];
  return t === 1 && h !== 11 ? f[0] : t >= 2 && t <= 4 && (h < 12 || h > 14) ? f[1] : f[2];
}
function make(tag, cls, text) { var el = document.createElement(tag); if (cls) el.className = cls; if (text !== undefined) el.textContent = text; return el; }
// Units agree with the number (1 час, 2 часа, 5 часов); a deadline's days are working days while its rule counts working time.
function relabel(span) {
  var n = Number(span.querySelector('.amount').value || 5), unit = span.querySelector('.unit');
  var basis = span.dataset.days && span.closest('.rule').querySelector('[data-setting$=".time"]');
  var working = basis && basis.value === 'working';
  Array.prototype.forEach.call(unit.options, function (o) { o.textContent = plural(n, DATA.units[o.value === 'D' && working ? 'WD' : o.value]); });
  span.querySelector('.amount').hidden = unit.value === 'now';
  var step = span.closest('.step');
  if (step) step.querySelector('.after').hidden = unit.value === 'now';
}
function relabelLadder(ladder) {
  ladder.querySelectorAll('.step .who').forEach(function (who, i) { who.textContent = W.steps[Math.min(i, 2)]; });
}
// A corrected field no longer shows its error.
function cleared(e) {
  var field = e.target.closest('[data-setting].invalid');
  if (!field) return;
  field.classList.remove('invalid');
  var slot = form.querySelector('[data-error-for="' + field.dataset.setting + '"]');
  if (slot) slot.textContent = '';
}
form.addEventListener('input', function (e) {
  cleared(e);
  var span = e.target.closest('.duration');
  if (span) relabel(span);
  if (e.target.classList.contains('search')) find(e.target);
  if (e.target.classList.contains('example') || e.target.tagName === 'TEXTAREA') examples();
});
form.addEventListener('change', function (e) {
  cleared(e);
  var span = e.target.closest('.duration');
  if (span) relabel(span);
  if (/\.time$/.test(e.target.dataset.setting || '')) e.target.closest('.rule').querySelectorAll('.duration[data-days]').forEach(relabel);
  if (e.target.classList.contains('day') && e.target.closest('.schedule')) e.target.closest('.schedule').querySelector('.at').hidden = e.target.value === '' || e.target.value === 'keep';
  if (e.target.classList.contains('round')) e.target.closest('.hours').querySelector('.week').hidden = e.target.checked;
  if (e.target.closest('.hours')) month.draw();
});
// People and departments by name from the portal's directory.
function find(input) {
  var picker = input.closest('.picker'), list = picker.querySelector('.matches'), q = fold(input.value.trim());
  var chosen = Array.prototype.map.call(picker.querySelectorAll('.chip'), function (c) { return c.dataset.id; });
  list.textContent = '';
  if (q === '') { list.hidden = true; return; }
  DATA[picker.dataset.of].filter(function (p) { return p.active && chosen.indexOf(p.id) < 0 && fold(p.name).indexOf(q) >= 0; }).slice(0, 8).forEach(function (p) {
    var li = make('li'), b = make('button', 'match', p.name); b.type = 'button'; b.dataset.id = p.id; li.appendChild(b); list.appendChild(li);
  });
  if (!list.children.length) list.appendChild(make('li', 'muted', W.nobody));
  list.hidden = false;
}
form.addEventListener('click', function (e) {
  var t = e.target;
  if (t.classList.contains('match')) {
    var picker = t.closest('.picker'), chip = make('span', 'chip', t.textContent + ' '), x = make('button', 'remove', '×');
    chip.dataset.id = t.dataset.id; x.type = 'button'; chip.appendChild(x); picker.querySelector('.chips').append(chip, ' ');
    picker.querySelector('.search').value = ''; picker.querySelector('.matches').hidden = true;
  } else if (t.classList.contains('remove')) t.closest('.chip').remove();
  else if (t.classList.contains('add-step')) {
    var line = t.closest('.line'), ladder = line.querySelector('.ladder');
    ladder.appendChild(line.querySelector('.step-template').content.cloneNode(true)); relabelLadder(ladder);
  } else if (t.classList.contains('remove-step')) { var l = t.closest('.ladder'); t.closest('.step').remove(); relabelLadder(l); }
  else if (t.classList.contains('add-pair')) { var box = t.closest('.line'); box.querySelector('.pairs').appendChild(box.querySelector('.pair-template').content.cloneNode(true)); }
  else if (t.classList.contains('remove-pair')) t.closest('.pair').remove();
  else if (t.dataset.revert) revert(t.dataset.revert.split(' '));
});
// The month view: the production calendar's holidays and transfers, the portal's own days off and working days.
var month = (function () {
  var view = form.querySelector('.month-view'), off = form.querySelector('[data-setting="calendar.daysOff"]'), work = form.querySelector('[data-setting="calendar.workingDays"]');
  var shown = view.dataset.today.slice(0, 7);
  function list(el) { return JSON.parse(el.dataset.value); }
  function dateOf(item) { return typeof item === 'string' ? item : item.date; }
  function weekWorks(date) {
    var hours = readSetting(form.querySelector('[data-setting="calendar.hours"]'));
    if (hours === '24/7') return true;
    return hours[['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(date + 'T12:00:00Z').getUTCDay()]] !== 'off';
  }
  function usual(date) { var k = DATA.production[date]; return k === 'off' ? false : k === 'work' || k === 'short' ? true : weekWorks(date); }
  function toggle(date) {
    var offs = list(off), works = list(work), i = offs.indexOf(date), j = works.map(dateOf).indexOf(date);
    if (i >= 0) offs.splice(i, 1); else if (j >= 0) works.splice(j, 1); else if (usual(date)) offs.push(date); else works.push(date);
    off.dataset.value = JSON.stringify(offs.sort()); work.dataset.value = JSON.stringify(works.sort(function (a, b) { return dateOf(a) < dateOf(b) ? -1 : 1; }));
    draw();
  }
  function spoken(date) { return new Date(date + 'T12:00:00Z').toLocaleDateString(DATA.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }); }
  function draw() {
    var y = Number(shown.slice(0, 4)), m = Number(shown.slice(5, 7)), first = new Date(Date.UTC(y, m - 1, 1)), days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    var offs = list(off), works = list(work).map(dateOf);
    view.textContent = '';
    var head = make('div', 'month-head'), prev = make('button', 'link prev', '‹'), next = make('button', 'link next', '›');
    prev.type = next.type = 'button';
    prev.onclick = function () { shown = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7); draw(); };
    next.onclick = function () { shown = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7); draw(); };
    head.appendChild(prev); head.appendChild(make('b', 'month-name', first.toLocaleDateString(DATA.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }))); head.appendChild(next);
    view.appendChild(head);
    var grid = make('div', 'grid');
    W.weekdays.forEach(function (d) { grid.appendChild(make('span', 'wd', d)); });
    for (var pad = (first.getUTCDay() + 6) % 7; pad > 0; pad--) grid.appendChild(make('span'));
    for (var d = 1; d <= days; d++) {
      var date = shown + '-' + String(d).padStart(2, '0'), b = make('button', 'day', String(d)), k = DATA.production[date];
      b.type = 'button'; b.dataset.date = date; b.title = spoken(date);
      if (k === 'off') b.classList.add('holiday'); else if (k === 'work') b.classList.add('transfer'); else if (k === 'short') b.classList.add('short');
      else if (!weekWorks(date)) b.classList.add('weekend');
      if (offs.indexOf(date) >= 0) b.classList.add('extra-off');
      if (works.indexOf(date) >= 0) b.classList.add('extra-work');
      b.onclick = (function (at) { return function () { toggle(at); }; })(date);
      grid.appendChild(b);
    }
    view.appendChild(grid);
    var chosen = form.querySelector('.chosen-days');
    chosen.textContent = (offs.length ? W.daysOff + ': ' + offs.map(spoken).join(', ') + '. ' : '') + (works.length ? W.workingDays + ': ' + works.map(spoken).join(', ') + '.' : '');
  }
  return { draw: draw };
})();
// Live examples of what the advanced values match.
function examples() {
  var out = function (name, text) { form.querySelector('[data-example-out="' + name + '"]').textContent = text; };
  var val = function (name) { return form.querySelector('[data-example="' + name + '"]').value; };
  var title = val('titles'), hit = null, broken = null;
  readSetting(form.querySelector('[data-setting="rules.LEAD-TITLE.defaultTitles"]')).forEach(function (p, i) {
    try { if (hit === null && new RegExp(p, 'iu').test(title.trim())) hit = i + 1; } catch (e) { if (broken === null) broken = i + 1; }
  });
  out('titles', broken !== null ? W.brokenPattern.replace('N', broken) : hit !== null ? W.titleHit.replace('N', hit) : W.titleMiss);
  var name = fold(val('legal')), form1 = null;
  readSetting(form.querySelector('[data-setting="legalForms"]')).forEach(function (f) {
    if (form1 === null && [f.short].concat(f.full).some(function (s) { return s && (' ' + name + ' ').replace(/[«»"',.]/g, ' ').indexOf(' ' + fold(s) + ' ') >= 0; })) form1 = f.short;
  });
  out('legal', form1 ? W.legalHit.replace('X', form1) : W.legalMiss);
  var task = fold(val('forms').trim()), kind = null;
  readSetting(form.querySelector('[data-setting="rules.TASK-PREFIX.forms"]')).forEach(function (f) {
    var t = fold(f.text);
    if (kind === null && t && (f.at === 'start' ? task.indexOf(t) === 0 : task.indexOf(t) >= 0)) kind = DATA.lang === 'ru' ? f.name.ru : f.name.en;
  });
  out('forms', kind ? W.formHit.replace('X', kind) : W.formMiss);
}
`)
