// The working time as a calendar: hours per weekday as times, the time zone by city, extra days off and working days.
import { ZONES, zoneName } from '../../rules/calendar/zone-names.js'
import { DEFAULT_WEEK } from '../../rules/calendar/hours.js'
import { html, raw, type Raw } from '../html.js'
import { choice, errorFor } from './controls.js'
import { revertButton } from './rule-section.js'
import type { SettingsView } from './view.js'
import type { Lang } from './words.js'

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
const DAY_WORDS = {
  ru: ['Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота', 'Воскресенье'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
} as const

const W = {
  title: { ru: 'Рабочее время', en: 'Working time' },
  round: { ru: 'круглосуточно, без выходных', en: 'round the clock, no days off' },
  from: { ru: 'с', en: 'from' }, to: { ru: 'до', en: 'to' },
  zone: { ru: 'Часовой пояс', en: 'Time zone' }, byLanguage: { ru: 'как у портала (по языку)', en: 'the portal’s (by its language)' },
  country: { ru: 'Праздники и переносы', en: 'Holidays and transfers' },
  countries: { ru: [['', 'по стране портала'], ['ru', 'производственный календарь России'], ['none', 'без праздников, только дни недели']], en: [['', 'by the portal’s country'], ['ru', 'Russia’s production calendar'], ['none', 'no holidays, weekdays only']] },
  days: { ru: 'Выходные и рабочие дни портала сверх календаря: нажмите на день, чтобы сделать его выходным или рабочим.', en: 'The portal’s own days off and working days: click a day to make it a day off or a working day.' },
  legend: {
    ru: [['holiday', 'праздник'], ['short', 'сокращённый день'], ['transfer', 'рабочий по переносу'], ['extra-off', 'выходной портала'], ['extra-work', 'рабочий день портала']],
    en: [['holiday', 'public holiday'], ['short', 'shortened day'], ['transfer', 'working by transfer'], ['extra-off', 'the portal’s day off'], ['extra-work', 'the portal’s working day']],
  },
} as const

/** The calendar section. */
export function calendarSection(view: SettingsView): Raw {
  const l = view.lang
  const calendar = view.config.calendar ?? {}
  const zone = calendar.timeZone ?? ''
  const zones: Array<readonly [string, string]> = [['', W.byLanguage[l]], ...ZONES.map(([id, ru, en]) => [id, l === 'ru' ? ru : en] as const)]
  if (zone !== '' && !ZONES.some(([id]) => id === zone)) zones.push([zone, zoneName(zone, l)])
  return html`<section class="calendar" data-section="calendar"><h2>${W.title[l]}</h2>
  ${hours(l, calendar.hours)}
  <div class="line">${W.zone[l]}: ${choice('calendar.timeZone', 'nullable', zones, zone)}${errorFor('calendar.timeZone')}</div>
  <div class="line">${W.country[l]}: ${choice('calendar.country', 'nullable', countries(l, calendar.country ?? ''), calendar.country ?? '')}${errorFor('calendar.country')}</div>
  <p class="line">${W.days[l]}</p>
  <span data-setting="calendar.daysOff" data-kind="json" data-value="${JSON.stringify(calendar.daysOff ?? [])}"></span>
  <span data-setting="calendar.workingDays" data-kind="json" data-value="${JSON.stringify(calendar.workingDays ?? [])}"></span>
  <div class="month-view" data-today="${view.today}"></div>${errorFor('calendar.daysOff')}${errorFor('calendar.workingDays')}
  <p class="legend">${W.legend[l].map(([kind, words]) => html`<span class="day ${kind}">${words}</span> `)}</p>
  <p class="chosen-days muted"></p>
  <p>${revertButton(l, 'calendar')}</p>
</section>`
}

// The countries offered, and the one the settings name if it is another.
function countries(l: Lang, country: string): ReadonlyArray<readonly [string, string]> {
  const offered = W.countries[l]
  return offered.some(([code]) => code === country) ? offered : [...offered, [country, country.toUpperCase()] as const]
}

function hours(l: Lang, value: unknown): Raw {
  // Round the clock unticked starts from the usual week.
  const week = typeof value === 'object' && value !== null ? (value as Record<string, string>) : DEFAULT_WEEK as Record<string, string>
  const round = value === '24/7'
  return html`<div class="hours" data-setting="calendar.hours" data-kind="hours">
  <label class="check"><input type="checkbox" class="round"${round ? raw(' checked') : ''}> ${W.round[l]}</label>
  <table class="week"${round ? raw(' hidden') : ''}>${DAYS.map((day, index) => {
    const span = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(week[day] ?? '')
    const works = span !== null
    return html`<tr data-day="${day}"><th><label class="check"><input type="checkbox" class="works"${works ? raw(' checked') : ''}> ${DAY_WORDS[l][index]}</label></th>
      <td>${W.from[l]} <input type="time" class="from" value="${span?.[1] ?? '09:00'}"> ${W.to[l]} <input type="time" class="to" value="${span?.[2] === '24:00' ? '00:00' : span?.[2] ?? '18:00'}"></td></tr>`
  })}</table>${errorFor('calendar.hours')}</div>`
}
