// Issue 11.4: which report periods are due (the pure decision) and the notification's words.
import { describe, expect, it } from 'vitest'
import { deliveryMessage, deliveryTag, periodText } from '../../src/reports/delivery-message.js'
import { duePeriods, latestOccurrence } from '../../src/reports/schedule.js'
import { isoDate } from '../../src/shared/zoned-days.js'

const MOSCOW = 'Europe/Moscow'
const DEFAULTS = { weekly: '0 9 * * 1', monthly: '0 9 1 * *' }
const at = (iso: string) => Date.parse(iso)
// Installed on Wednesday 18 November 2026 (Moscow is UTC+3 all year).
const INSTALLED = at('2026-11-18T10:00:00+03:00')

function due(now: string, schedule: { weekly: string | null; monthly: string | null } = DEFAULTS, timeZone = MOSCOW, installedAt = INSTALLED) {
  return duePeriods(schedule, timeZone, at(now), installedAt).map((period) => ({
    kind: period.kind, from: isoDate(period.from), to: isoDate(period.to), scheduledAt: new Date(period.scheduledAt).toISOString(),
  }))
}

describe('duePeriods', () => {
  it.each([
    ['Monday 08:59: the first Monday after the install has not come', '2026-11-23T08:59:00+03:00', []],
    ['Monday 09:00: the week before, Monday to Sunday', '2026-11-23T09:00:00+03:00',
      [{ kind: 'week', from: '2026-11-16', to: '2026-11-23', scheduledAt: '2026-11-23T06:00:00.000Z' }]],
    ['Thursday after: still that week (once per period is the store\'s part)', '2026-11-26T15:00:00+03:00',
      [{ kind: 'week', from: '2026-11-16', to: '2026-11-23', scheduledAt: '2026-11-23T06:00:00.000Z' }]],
    ['1 December 09:00 (a Tuesday): November, and the week of the Monday before', '2026-12-01T09:00:00+03:00', [
      { kind: 'week', from: '2026-11-23', to: '2026-11-30', scheduledAt: '2026-11-30T06:00:00.000Z' },
      { kind: 'month', from: '2026-11-01', to: '2026-12-01', scheduledAt: '2026-12-01T06:00:00.000Z' }]],
    ['1 December 08:59: November is not due yet', '2026-12-01T08:59:59+03:00',
      [{ kind: 'week', from: '2026-11-23', to: '2026-11-30', scheduledAt: '2026-11-30T06:00:00.000Z' }]],
  ])('%s', (_name, now, expected) => {
    expect(due(now)).toEqual(expected)
  })

  it('January reports on December of the year before', () => {
    expect(due('2027-01-01T09:00:00+03:00', { weekly: null, monthly: DEFAULTS.monthly })).toEqual([
      { kind: 'month', from: '2026-12-01', to: '2027-01-01', scheduledAt: '2027-01-01T06:00:00.000Z' },
    ])
  })

  it('goes by the portal\'s clock: Monday 09:00 in Vladivostok is Sunday 23:00 UTC', () => {
    const vladivostok = 'Asia/Vladivostok'
    expect(due('2026-11-22T22:59:00Z', DEFAULTS, vladivostok)).toEqual([])
    expect(due('2026-11-22T23:00:00Z', DEFAULTS, vladivostok)).toEqual([
      { kind: 'week', from: '2026-11-16', to: '2026-11-23', scheduledAt: '2026-11-22T23:00:00.000Z' },
    ])
    // The same instant in Moscow is Monday 02:00: nothing yet.
    expect(due('2026-11-22T23:00:00Z')).toEqual([])
  })

  it('null turns a schedule off', () => {
    expect(due('2026-12-01T09:00:00+03:00', { weekly: null, monthly: null })).toEqual([])
    expect(due('2026-12-01T09:00:00+03:00', { weekly: null, monthly: DEFAULTS.monthly }).map((period) => period.kind)).toEqual(['month'])
  })

  it('a custom cron: Friday 18:30 reports on the last whole week', () => {
    // A minute before, the Friday before is the latest: the week before that one.
    expect(due('2026-11-27T18:29:00+03:00', { weekly: '30 18 * * fri', monthly: null })).toEqual([
      { kind: 'week', from: '2026-11-09', to: '2026-11-16', scheduledAt: '2026-11-20T15:30:00.000Z' },
    ])
    expect(due('2026-11-27T18:30:00+03:00', { weekly: '30 18 * * fri', monthly: null })).toEqual([
      { kind: 'week', from: '2026-11-16', to: '2026-11-23', scheduledAt: '2026-11-27T15:30:00.000Z' },
    ])
  })

  it('a fresh install gets no backlog: only the latest moment, never one before the install', () => {
    const longAgo = at('2025-01-01T00:00:00Z')
    expect(due('2026-11-23T09:00:00+03:00', DEFAULTS, MOSCOW, longAgo)).toEqual([
      { kind: 'week', from: '2026-11-16', to: '2026-11-23', scheduledAt: '2026-11-23T06:00:00.000Z' },
      { kind: 'month', from: '2026-10-01', to: '2026-11-01', scheduledAt: '2026-11-01T06:00:00.000Z' },
    ])
    // Installed at 09:30 on the 1st: that morning's moment was before it.
    expect(due('2026-12-01T10:00:00+03:00', DEFAULTS, MOSCOW, at('2026-12-01T09:30:00+03:00'))).toEqual([])
  })
})

describe('latestOccurrence', () => {
  const latest = (expression: string, now: string, days = 8) => {
    const found = latestOccurrence(expression, MOSCOW, at(now), days)
    return found === undefined ? undefined : new Date(found).toISOString()
  }

  it.each([
    ['0 9 * * 1', '2026-11-25T12:00:00+03:00', '2026-11-23T06:00:00.000Z'],
    ['*/15 8-10 * * mon-fri', '2026-11-25T09:44:00+03:00', '2026-11-25T06:30:00.000Z'],
    ['0 9,18 * * *', '2026-11-25T17:00:00+03:00', '2026-11-25T06:00:00.000Z'],
    ['0 9 * * 7', '2026-11-25T12:00:00+03:00', '2026-11-22T06:00:00.000Z'],
    ['0 0 9 * * 1', '2026-11-25T12:00:00+03:00', '2026-11-23T06:00:00.000Z'],
    ['0 9 1 jan *', '2026-11-25T12:00:00+03:00', undefined],
    ['0 9 L * *', '2026-11-25T12:00:00+03:00', undefined],
    ['0 25 * * *', '2026-11-25T12:00:00+03:00', undefined],
  ])('%s before %s → %s', (expression, now, expected) => {
    expect(latest(expression, now)).toBe(expected)
  })

  it('both day fields restricted: either matches, as cron has it', () => {
    // The 24th (a Tuesday) or any Friday: before Wednesday the 25th, the 24th.
    expect(latest('0 9 24 * 5', '2026-11-25T12:00:00+03:00')).toBe('2026-11-24T06:00:00.000Z')
  })
})

describe('the notification', () => {
  const week = { from: { year: 2026, month: 11, day: 16 }, to: { year: 2026, month: 11, day: 23 } }

  it.each([
    ['week', week, 'ru', '16–22 ноября 2026'],
    ['week', { from: { year: 2026, month: 11, day: 30 }, to: { year: 2026, month: 12, day: 7 } }, 'ru', '30 ноября – 6 декабря 2026'],
    ['week', { from: { year: 2026, month: 12, day: 28 }, to: { year: 2027, month: 1, day: 4 } }, 'ru', '28 декабря 2026 – 3 января 2027'],
    ['month', { from: { year: 2026, month: 11, day: 1 }, to: { year: 2026, month: 12, day: 1 } }, 'ru', 'ноябрь 2026'],
    ['week', week, 'en', '16–22 November 2026'],
    ['month', { from: { year: 2026, month: 11, day: 1 }, to: { year: 2026, month: 12, day: 1 } }, 'en', 'November 2026'],
  ] as const)('%s %j in %s: %s', (kind, period, lang, expected) => {
    expect(periodText(kind, period, lang)).toBe(expected)
  })

  it('one file: one line with its link; several: one line a file', () => {
    const sales = { name: 'Отчет_Отдел-продаж_2026-11-16_2026-11-22.xlsx', url: 'https://x.bitrix24.ru/docs/path/a.xlsx' }
    expect(deliveryMessage('week', week, [sales], 'ru'))
      .toBe('Еженедельный отчёт за 16–22 ноября 2026: [URL=https://x.bitrix24.ru/docs/path/a.xlsx]Отчет_Отдел-продаж_2026-11-16_2026-11-22.xlsx[/URL]')
    const other = { name: 'Отчет_[Склад]_2026-11-16_2026-11-22.xlsx', url: 'https://x.bitrix24.ru/docs/path/b.xlsx' }
    expect(deliveryMessage('week', week, [sales, other], 'en')).toBe([
      'Weekly reports for 16–22 November 2026:',
      '[URL=https://x.bitrix24.ru/docs/path/a.xlsx]Отчет_Отдел-продаж_2026-11-16_2026-11-22.xlsx[/URL]',
      '[URL=https://x.bitrix24.ru/docs/path/b.xlsx]Отчет_(Склад)_2026-11-16_2026-11-22.xlsx[/URL]',
    ].join('\n'))
    expect(deliveryTag('m1', 'week', '2026-11-16', '4')).toBe('RULES_REPORT|m1|week|2026-11-16|4')
  })
})
