// The settings page's look, over the portal's (placements/style.ts).
import { raw } from '../html.js'

/** Sections as cards, sentences with their blanks inline, chips, the month view's day colours. */
export const SETTINGS_STYLE = raw(`
main.settings { max-width: 980px; } .group > h2, section > h2, details.advanced > summary h2 { margin-top: 28px; }
section.rule, section.calendar, section.reports, section.people, details.advanced { border: 1px solid #e6eaed; border-radius: 6px; padding: 8px 14px; margin: 8px 0; background: #fff; }
h3 { font-size: 15px; margin: 6px 0 2px; } .what { margin: 0 0 6px; } .line { padding: 4px 0; }
details.advanced > summary { cursor: pointer; } details.advanced > summary h2 { display: inline; }
details.scope > summary { cursor: pointer; color: var(--ui-color-muted); }
input, select, textarea { font: inherit; padding: 3px 6px; border: 1px solid #c6cdd3; border-radius: 2px; }
.amount, .number, .share, input.short { width: 64px; } textarea { width: 100%; box-sizing: border-box; }
.check { margin-right: 12px; white-space: nowrap; } .checks { display: inline; }
.link { background: none; border: 0; color: #2067b0; cursor: pointer; padding: 0 4px; font: inherit; }
.chip { display: inline-block; background: #e5f7fe; border-radius: 12px; padding: 1px 4px 1px 10px; margin: 2px 4px 2px 0; }
.chip .remove { background: none; border: 0; cursor: pointer; color: var(--ui-color-muted); }
.find { position: relative; display: inline-block; } .search { width: 220px; }
.matches { position: absolute; z-index: 5; background: #fff; border: 1px solid #c6cdd3; min-width: 220px; }
.matches li { padding: 0; border: 0; } .matches .match { display: block; width: 100%; text-align: left; background: none; border: 0; padding: 4px 8px; cursor: pointer; font: inherit; }
.matches .match:hover { background: #eef2f4; }
table.limits th, table.plans th, table.week th { text-align: left; font-weight: normal; padding: 2px 12px 2px 0; } table.plans td input { width: 80px; }
.invalid, .invalid input, .invalid select { border-color: var(--ui-color-danger); background: #fff2f1; } .field-error { color: var(--ui-color-danger); margin-left: 6px; }
.month-view { display: inline-block; margin: 4px 0; } .month-head { display: flex; justify-content: space-between; align-items: center; }
.month-view .grid { display: grid; grid-template-columns: repeat(7, 36px); gap: 2px; } .month-view .wd { text-align: center; color: var(--ui-color-muted); font-size: 12px; }
.day { border: 1px solid #e6eaed; background: #fff; border-radius: 3px; padding: 4px 0; font: inherit; cursor: pointer; }
span.day { padding: 1px 8px; cursor: default; } .day.weekend { background: #f3f5f6; color: #99a1a8; } .day.holiday { background: #ffe3e1; color: #c0392b; }
.day.short { background: #fff4d6; } .day.transfer { background: #e3f3d6; } .day.extra-off { background: #ff5752; color: #fff; } .day.extra-work { background: #9dcf00; color: #fff; }
.actions { position: sticky; bottom: 0; background: #fff; border-top: 1px solid #e6eaed; padding: 4px 0; } .status b { font-size: 16px; }
.flag-count a { margin: 0 2px; } .duration, .schedule { white-space: nowrap; } input.example { width: 340px; } .ladder .step:first-child .sep { display: none; } .remove-step { color: var(--ui-color-muted); }
`)
