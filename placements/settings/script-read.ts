// The page's script, first half: reads every control into RULES_FILE's JSON form (durations back to ISO 8601, schedules to cron).
import { raw } from '../html.js'

/** Defines `readSetting(el)` and `readConfig(form, base)` for the page's other script. */
export const READ_SCRIPT = raw(String.raw`
var UNIT_MS = { S: 1000, M: 60000, H: 3600000, D: 86400000 };
function isoOf(n, unit) {
  var sign = n < 0 ? '-' : '', a = Math.abs(n);
  return unit === 'D' ? sign + 'P' + a + 'D' : sign + 'PT' + a + unit;
}
// The file's own text when the value did not change (PT1H30M stays PT1H30M, not PT90M).
function readDuration(el) {
  var unit = el.querySelector('.unit').value, amount = el.querySelector('.amount').value.trim();
  if (unit === 'now') return el.dataset.ms === '0' ? el.dataset.iso : 'PT0S';
  if (amount === '') return el.dataset.optional ? null : '';
  var n = Number(amount);
  if (unit === el.dataset.unit && String(n * UNIT_MS[unit]) === el.dataset.ms) return el.dataset.iso;
  return isoOf(n, unit);
}
function lines(text) { return text.split('\n').map(function (s) { return s.trim(); }).filter(Boolean); }
function figure(input) { var v = input.value.trim(); return v === '' ? null : Number(v); }
function cronOf(el, monthly) {
  var day = el.querySelector('.day').value, time = el.querySelector('.time').value || '00:00';
  if (day === '') return null;
  if (day === 'keep' || (day === el.dataset.day && time === el.dataset.time)) return el.dataset.original;
  var hm = time.split(':');
  return Number(hm[1]) + ' ' + Number(hm[0]) + (monthly ? ' ' + day + ' * *' : ' * * ' + day);
}
function readSetting(el) {
  var kind = el.dataset.kind, v = el.value;
  switch (kind) {
    case 'bool': return el.checked;
    case 'number': return v.trim() === '' ? null : Number(v);
    case 'nullable': return v.trim() === '' ? null : v.trim();
    case 'duration': return readDuration(el);
    case 'list': return v.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    case 'lines': return lines(v);
    case 'json': return JSON.parse(el.dataset.value);
    case 'checks': return Array.prototype.map.call(el.querySelectorAll('input:checked'), function (i) { return i.value; });
    case 'picked': return Array.prototype.map.call(el.querySelectorAll('.chip'), function (c) { return c.dataset.id; });
    case 'ladder': return Array.prototype.map.call(el.querySelectorAll('.duration'), readDuration);
    case 'weekly': return cronOf(el, false);
    case 'monthly': return cronOf(el, true);
    case 'warn': {
      var share = el.querySelector('.share').value.trim(), out = share === '' ? [] : [share + '%'];
      el.querySelectorAll('.duration').forEach(function (d) { var iso = readDuration(d); if (iso !== null) out.push(iso); });
      return out;
    }
    case 'since': {
      var sk = el.querySelector('.since-kind').value, date = el.querySelector('.since-date').value;
      if (sk === '') return null;
      if (sk === 'all') return 'all';
      return el.dataset.original.slice(0, 10) === date && date !== '' ? el.dataset.original : date;
    }
    case 'limits': {
      var limits = {};
      el.querySelectorAll('tr[data-stage]').forEach(function (row) {
        var iso = readDuration(row.querySelector('.duration'));
        if (iso !== null) (limits[row.dataset.pipeline] = limits[row.dataset.pipeline] || {})[row.dataset.stage] = iso;
      });
      return limits;
    }
    case 'hours': {
      if (el.querySelector('.round').checked) return '24/7';
      var week = {};
      el.querySelectorAll('tr[data-day]').forEach(function (row) {
        var to = row.querySelector('.to').value;
        week[row.dataset.day] = row.querySelector('.works').checked ? row.querySelector('.from').value + '-' + (to === '00:00' ? '24:00' : to) : 'off';
      });
      return week;
    }
    case 'plans': {
      var plans = {};
      el.querySelectorAll('tr[data-user]').forEach(function (row) {
        var created = figure(row.querySelector('.created')), converted = figure(row.querySelector('.converted'));
        if (created !== null || converted !== null) plans[row.dataset.user] = { created: created, converted: converted };
      });
      return plans;
    }
    case 'pairs': {
      var map = {};
      el.querySelectorAll('.pair').forEach(function (row) {
        var who = row.querySelector('.who').value, boss = row.querySelector('.boss').value;
        if (who !== '' || boss !== '') map[who] = boss;
      });
      return map;
    }
    case 'legal': return lines(v).map(function (line) {
      var i = line.indexOf('=');
      return { short: (i < 0 ? line : line.slice(0, i)).trim(), full: i < 0 ? [] : line.slice(i + 1).split(';').map(function (s) { return s.trim(); }).filter(Boolean) };
    });
    case 'forms': return lines(v).map(function (line) {
      var p = line.split('|').map(function (s) { return s.trim(); });
      var at = /^(в начале|start)$/i.test(p[1] || '') ? 'start' : /^(где угодно|anywhere)$/i.test(p[1] || '') ? 'anywhere' : (p[1] || '');
      return { text: p[0] || '', at: at, name: { ru: p[2] || '', en: p[3] || p[2] || '' } };
    });
    default: return v;
  }
}
function setAt(out, path, value) {
  var keys = path.split('.'), node = out;
  keys.slice(0, -1).forEach(function (k) { if (node[k] === null || typeof node[k] !== 'object') node[k] = {}; node = node[k]; });
  if (value === undefined) delete node[keys[keys.length - 1]]; else node[keys[keys.length - 1]] = value;
}
function getAt(obj, path) {
  return path.split('.').reduce(function (v, k) { return v === null || v === undefined ? undefined : v[k]; }, obj);
}
// The settings as they stood, with every control's value over them (what the page does not show stays as it was).
function readConfig(form, base) {
  var out = JSON.parse(JSON.stringify(base));
  form.querySelectorAll('[data-setting]').forEach(function (el) { setAt(out, el.dataset.setting, readSetting(el)); });
  return out;
}
`)
