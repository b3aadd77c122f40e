// The page's script, last part: «Проверить», «Сохранить» and «Вернуть как в файле», the error next to its field.
import { raw } from '../html.js'

/** Sends the form to the server and shows its answer; needs READ_SCRIPT and UI_SCRIPT. */
export const SEND_SCRIPT = raw(String.raw`
function clear() {
  form.querySelectorAll('.invalid').forEach(function (el) { el.classList.remove('invalid'); });
  form.querySelectorAll('.field-error').forEach(function (el) { el.textContent = ''; });
  document.getElementById('outcome').textContent = '';
}
// The error goes next to the control of its setting, or of the nearest setting above it.
function showError(answer) {
  var path = answer.path, el = null, slot = null;
  while (path && !el) {
    el = form.querySelector('[data-setting="' + path + '"]');
    slot = form.querySelector('[data-error-for="' + path + '"]');
    if (!el && slot) break;
    path = path.split('.').slice(0, -1).join('.');
  }
  if (el) { el.classList.add('invalid'); slot = form.querySelector('[data-error-for="' + el.dataset.setting + '"]'); }
  for (var open = (slot || el); open; open = open.parentElement) if (open.tagName === 'DETAILS') open.open = true;
  if (slot) { slot.textContent = answer.text; slot.scrollIntoView({ block: 'center' }); }
  document.getElementById('outcome').textContent = W.invalid + (slot ? '' : ' ' + answer.text);
}
function showFlagged(answer) {
  if (typeof answer.flagged === 'number') document.getElementById('flagged').textContent = answer.flagged;
  form.querySelectorAll('.flag-count').forEach(function (el) { el.textContent = ''; });
  (answer.rules || []).forEach(function (rule) {
    var slot = form.querySelector('.flag-count[data-rule="' + rule.ruleId + '"]');
    if (!slot) return;
    slot.appendChild(document.createTextNode(W.wouldFlag + ' ' + rule.count + (rule.examples.length ? ': ' : '')));
    rule.examples.forEach(function (item, i) {
      var a = document.createElement('a');
      a.href = DATA.origin + item.path; a.dataset.path = item.path; a.target = '_blank'; a.rel = 'noopener'; a.textContent = item.label;
      if (i > 0) slot.appendChild(document.createTextNode(', '));
      slot.appendChild(a);
    });
    if (rule.count > rule.examples.length) slot.appendChild(document.createTextNode(' …'));
  });
}
function send(path, body) {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rules-session': DATA.session }, body: JSON.stringify(body) });
}
document.getElementById('check').addEventListener('click', function () {
  clear();
  send('/app/settings/check', { config: readConfig(form, DATA.config) }).then(function (r) { return r.json(); }).then(function (answer) {
    if (!answer.ok) return showError(answer);
    showFlagged(answer);
    document.getElementById('outcome').textContent = W.checked;
  });
});
form.addEventListener('submit', function (event) {
  event.preventDefault();
  clear();
  send('/app/settings/save', { config: readConfig(form, DATA.config) }).then(function (r) { return r.json(); }).then(function (answer) {
    if (!answer.ok) return showError(answer);
    showFlagged(answer);
    document.getElementById('outcome').textContent = W.saved;
  });
});
// The section's settings as in the file, the rest as on the page: drawn again, not saved until «Сохранить».
function revert(paths) {
  var config = readConfig(form, DATA.config);
  paths.forEach(function (path) { var v = getAt(DATA.file, path); setAt(config, path, v === undefined ? undefined : JSON.parse(JSON.stringify(v))); });
  send('/app/settings/page', { config: config, note: 'reverted' }).then(function (r) { return r.text(); }).then(function (page) { document.open(); document.write(page); document.close(); });
}
month.draw();
examples();
`)
