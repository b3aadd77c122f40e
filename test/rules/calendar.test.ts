// The business calendar on real dates of the shipped Russian production calendar: what a user sees, instant by instant.
import { describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK, type BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { calendarFor, timeFor } from '../../rules/calendar/portal-calendar.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

const production = loadProductionCalendars()

/** The calendar of a portal whose RULES_FILE has `calendar` (and nothing else), on a portal of `language`. */
function calendar(settings: Record<string, unknown> = {}, language = 'ru'): BusinessCalendar {
  return calendarFor(resolveRuleSettings({ calendar: settings }).calendar, language, production)
}

const moscow = calendar()
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z')
const at = (instant: string) => new Date(instant)

// Default hours Mon–Fri 09:00–18:00, Moscow = UTC+3 all year: 09:00 MSK = 06:00Z, 17:00 MSK = 14:00Z, 18:00 MSK = 15:00Z.
describe('N working minutes after a start (Moscow, default hours)', () => {
  it.each([
    // 31 Dec 2025 is a day off (moved from 5 Jan); 1–8 Jan holidays, 9 Jan off (moved from 3 Jan), 10–11 Jan weekend → Mon 12 Jan 09:00 + 15.
    ['31.12.2025 17:55 + 15', '2025-12-31T14:55:00Z', 15, '2026-01-12T06:15:00Z'],
    // Tue 30 Dec 2025 is an ordinary day: 5 minutes until 18:00, the other 10 on 12 Jan.
    ['30.12.2025 17:55 + 15', '2025-12-30T14:55:00Z', 15, '2026-01-12T06:10:00Z'],
    // Sat 1 Nov 2025 works, shortened to 17:00; 3 Nov off (moved from 1 Nov), 4 Nov holiday → Wed 5 Nov 09:05.
    ['Sat 01.11.2025 16:50 + 15', '2025-11-01T13:50:00Z', 15, '2025-11-05T06:05:00Z'],
    // Thu 30 Apr 2026, pre-holiday: ends 17:00; 1 May holiday, 2–3 May weekend → Mon 4 May 09:10.
    ['Thu 30.04.2026 16:55 + 15', '2026-04-30T13:55:00Z', 15, '2026-05-04T06:10:00Z'],
    // A deadline that fills the day exactly lands at its close, not the next morning.
    ['Tue 01.12.2026 17:45 + 15', '2026-12-01T14:45:00Z', 15, '2026-12-01T15:00:00Z'],
    ['Tue 01.12.2026 17:59 + 1', '2026-12-01T14:59:00Z', 1, '2026-12-01T15:00:00Z'],
    ['Tue 01.12.2026 17:59 + 2', '2026-12-01T14:59:00Z', 2, '2026-12-02T06:01:00Z'],
    // From midnight: the day starts at 09:00.
    ['Tue 01.12.2026 00:00 + 10', '2026-11-30T21:00:00Z', 10, '2026-12-01T06:10:00Z'],
    // Fri 18:00 + 15: weekend → Mon 09:15.
    ['Fri 04.12.2026 18:00 + 15', '2026-12-04T15:00:00Z', 15, '2026-12-07T06:15:00Z'],
    // A whole working day (540 minutes) from Mon 09:00 ends Mon 18:00.
    ['Mon 07.12.2026 09:00 + 540', '2026-12-07T06:00:00Z', 540, '2026-12-07T15:00:00Z'],
    ['Mon 07.12.2026 09:00 + 541', '2026-12-07T06:00:00Z', 541, '2026-12-08T06:01:00Z'],
  ])('%s', (_, start, minutes, due) => {
    expect(iso(moscow.addWorkingMinutes(at(start), minutes))).toBe(due)
    expect(iso(moscow.addWorkingMinutes(Date.parse(start), minutes))).toBe(due)
  })
})

describe('the next working moment and working time (Moscow)', () => {
  it.each([
    // The boundaries of the working day: 09:00 counts, 17:59 counts, 18:00 does not.
    ['Tue 01.12.2026 08:59', '2026-12-01T05:59:00Z', false, '2026-12-01T06:00:00Z'],
    ['Tue 01.12.2026 09:00', '2026-12-01T06:00:00Z', true, '2026-12-01T06:00:00Z'],
    ['Tue 01.12.2026 17:59', '2026-12-01T14:59:00Z', true, '2026-12-01T14:59:00Z'],
    ['Tue 01.12.2026 18:00', '2026-12-01T15:00:00Z', false, '2026-12-02T06:00:00Z'],
    ['Tue 01.12.2026 00:00 (midnight)', '2026-11-30T21:00:00Z', false, '2026-12-01T06:00:00Z'],
    ['Mon 30.11.2026 23:59', '2026-11-30T20:59:00Z', false, '2026-12-01T06:00:00Z'],
    // New Year holidays: nothing works from 1 to 11 January 2026.
    ['Thu 01.01.2026 00:00', '2025-12-31T21:00:00Z', false, '2026-01-12T06:00:00Z'],
    ['Mon 05.01.2026 10:00', '2026-01-05T07:00:00Z', false, '2026-01-12T06:00:00Z'],
    ['Fri 09.01.2026 10:00 (moved from 3 Jan)', '2026-01-09T07:00:00Z', false, '2026-01-12T06:00:00Z'],
    // 2027 (provisional): 1–8 January, then the weekend → Mon 11 January.
    ['Fri 01.01.2027 12:00', '2027-01-01T09:00:00Z', false, '2027-01-11T06:00:00Z'],
    // The working Saturday 1 Nov 2025 (shortened: 09:00–17:00); the Saturday after is off.
    ['Sat 01.11.2025 08:00', '2025-11-01T05:00:00Z', false, '2025-11-01T06:00:00Z'],
    ['Sat 01.11.2025 10:00', '2025-11-01T07:00:00Z', true, '2025-11-01T07:00:00Z'],
    ['Sat 01.11.2025 17:00', '2025-11-01T14:00:00Z', false, '2025-11-05T06:00:00Z'],
    ['Sat 08.11.2025 10:00', '2025-11-08T07:00:00Z', false, '2025-11-10T06:00:00Z'],
    // Shortened pre-holiday Thu 11 Jun 2026: 16:59 counts, 17:00 does not; 12 Jun holiday → Mon 15 Jun.
    ['Thu 11.06.2026 16:59', '2026-06-11T13:59:00Z', true, '2026-06-11T13:59:00Z'],
    ['Thu 11.06.2026 17:00', '2026-06-11T14:00:00Z', false, '2026-06-15T06:00:00Z'],
    // Holidays on a weekend move to Monday: 9 May 2026 (Sat) → Mon 11 May off.
    ['Mon 11.05.2026 10:00', '2026-05-11T07:00:00Z', false, '2026-05-12T06:00:00Z'],
  ])('%s', (_, instant, working, next) => {
    expect(moscow.isWorkingTime(at(instant))).toBe(working)
    expect(iso(moscow.nextWorkingMoment(at(instant)))).toBe(next)
  })
})

describe('working minutes between two instants (Moscow)', () => {
  it.each([
    // The New Year holidays count nothing.
    ['01.01.2026 00:00 → 12.01.2026 09:00', '2025-12-31T21:00:00Z', '2026-01-12T06:00:00Z', 0],
    ['01.01.2026 00:00 → 12.01.2026 09:15', '2025-12-31T21:00:00Z', '2026-01-12T06:15:00Z', 15],
    // Wed 12:00–18:00 (360) + Thu 11 Jun shortened (480) + Fri 12 Jun holiday + weekend + Mon 09:00–10:00 (60).
    ['Wed 10.06.2026 12:00 → Mon 15.06.2026 10:00', '2026-06-10T09:00:00Z', '2026-06-15T07:00:00Z', 900],
    // Fri 17:00–18:00 (60) + working Sat 1 Nov shortened (480) + 2–4 Nov off + Wed 09:00–10:00 (60).
    ['Fri 31.10.2025 17:00 → Wed 05.11.2025 10:00', '2025-10-31T14:00:00Z', '2025-11-05T07:00:00Z', 600],
    // Midnight to midnight of an ordinary Monday: 540.
    ['Mon 30.11.2026 00:00 → Tue 01.12.2026 00:00', '2026-11-29T21:00:00Z', '2026-11-30T21:00:00Z', 540],
    // A weekend alone, and a reversed span.
    ['Sat 05.12.2026 00:00 → Mon 07.12.2026 09:00', '2026-12-04T21:00:00Z', '2026-12-07T06:00:00Z', 0],
    ['reversed', '2026-12-01T15:00:00Z', '2026-12-01T06:00:00Z', 0],
    // 2025 and 2026: 247 working days each (the official 1972-hour norm: 247 × 8 h − 4 shortened), here of 9 hours
    // (09:00–18:00, lunch included): 247 × 540 − 4 × 60 = 133,140 minutes.
    ['the year 2025', '2024-12-31T21:00:00Z', '2025-12-31T21:00:00Z', 133_140],
    ['the year 2026', '2025-12-31T21:00:00Z', '2026-12-31T21:00:00Z', 133_140],
  ])('%s', (_, from, to, minutes) => {
    expect(moscow.workingMinutesBetween(at(from), at(to))).toBe(minutes)
  })

  it('counts three years day by day, and back from the minutes to the instant', () => {
    const minutes = moscow.workingMinutesBetween(at('2024-12-31T21:00:00Z'), at('2027-12-31T21:00:00Z'))
    const due = moscow.addWorkingMinutes(at('2024-12-31T21:00:00Z'), minutes)
    // 2027 (provisional): 249 working days, 5 shortened: 249 × 540 − 5 × 60 = 134,160.
    expect(minutes).toBe(133_140 * 2 + 134_160)
    // The last working minute of 2027 ends on the shortened Fri 31 Dec at 17:00.
    expect(iso(due)).toBe('2027-12-31T14:00:00Z')
  })
})

describe('time zones: the same instant is a different working moment', () => {
  const kaliningrad = calendar({ timeZone: 'Europe/Kaliningrad' }) // UTC+2
  const novosibirsk = calendar({ timeZone: 'Asia/Novosibirsk' }) // UTC+7
  it.each([
    // 06:30Z: Moscow 09:30 works; Kaliningrad 08:30 waits until 09:00 (07:00Z); Novosibirsk 13:30 works.
    ['2026-12-01T06:30:00Z', [true, '2026-12-01T06:30:00Z'], [false, '2026-12-01T07:00:00Z'], [true, '2026-12-01T06:30:00Z']],
    // 11:30Z: Moscow 14:30, Kaliningrad 13:30 work; Novosibirsk 18:30 waits for Wed 09:00 (02:00Z).
    ['2026-12-01T11:30:00Z', [true, '2026-12-01T11:30:00Z'], [true, '2026-12-01T11:30:00Z'], [false, '2026-12-02T02:00:00Z']],
    // 15:30Z: Moscow 18:30 is over; Kaliningrad 17:30 still works.
    ['2026-12-01T15:30:00Z', [false, '2026-12-02T06:00:00Z'], [true, '2026-12-01T15:30:00Z'], [false, '2026-12-02T02:00:00Z']],
    // 31 Dec 2025 in every zone: the holidays end on Mon 12 Jan at 09:00 local.
    ['2025-12-31T12:00:00Z', [false, '2026-01-12T06:00:00Z'], [false, '2026-01-12T07:00:00Z'], [false, '2026-01-12T02:00:00Z']],
  ] as const)('%s: Moscow, Kaliningrad, Novosibirsk', (instant, inMoscow, inKaliningrad, inNovosibirsk) => {
    for (const [zone, [working, next]] of [[moscow, inMoscow], [kaliningrad, inKaliningrad], [novosibirsk, inNovosibirsk]] as const) {
      expect(zone.isWorkingTime(at(instant))).toBe(working)
      expect(iso(zone.nextWorkingMoment(at(instant)))).toBe(next)
    }
  })

  it('adds 15 working minutes at 10:50Z: Moscow 13:50 → 14:05, Novosibirsk 17:50 → Wed 09:05, Kaliningrad 12:50 → 13:05', () => {
    expect(iso(moscow.addWorkingMinutes(at('2026-12-01T10:50:00Z'), 15))).toBe('2026-12-01T11:05:00Z')
    expect(iso(novosibirsk.addWorkingMinutes(at('2026-12-01T10:50:00Z'), 15))).toBe('2026-12-02T02:05:00Z')
    expect(iso(kaliningrad.addWorkingMinutes(at('2026-12-01T10:50:00Z'), 15))).toBe('2026-12-01T11:05:00Z')
  })

  it('is right across daylight saving time (New York, no production calendar): 09:00 is 14:00Z before 8 Mar 2026, 13:00Z after', () => {
    const newYork = calendar({ timeZone: 'America/New_York' }, 'en')
    // Fri 6 Mar 17:55 EST (22:55Z) + 15: 5 minutes, then Mon 9 Mar 09:10 EDT (13:10Z).
    expect(iso(newYork.addWorkingMinutes(at('2026-03-06T22:55:00Z'), 15))).toBe('2026-03-09T13:10:00Z')
    // Fri 00:00 EST → Tue 00:00 EDT: two working days.
    expect(newYork.workingMinutesBetween(at('2026-03-06T05:00:00Z'), at('2026-03-10T04:00:00Z'))).toBe(1080)
    // Back to standard time on Sun 1 Nov 2026: Fri 30 Oct 18:00 EDT (22:00Z) → Mon 2 Nov 09:00 EST (14:00Z).
    expect(iso(newYork.nextWorkingMoment(at('2026-10-30T22:00:00Z')))).toBe('2026-11-02T14:00:00Z')
  })

  it('reads a wall time skipped or repeated by a DST change as Temporal\'s "compatible" does', () => {
    // Sun 8 Mar 2026, clocks jump 02:00 EST → 03:00 EDT: "02:30" is 03:30 EDT (07:30Z); 05:00 EDT is 09:00Z → 90 minutes.
    const spring = calendar({ timeZone: 'America/New_York', hours: { sun: '02:30-05:00' } }, 'en')
    expect(iso(spring.nextWorkingMoment(at('2026-03-08T05:00:00Z')))).toBe('2026-03-08T07:30:00Z')
    expect(spring.workingMinutesBetween(at('2026-03-08T05:00:00Z'), at('2026-03-09T05:00:00Z'))).toBe(90)
    // Sun 1 Nov 2026, clocks go back 02:00 EDT → 01:00 EST: "01:30" is the first one, EDT (05:30Z); 03:00 EST is 08:00Z → 150 minutes.
    const autumn = calendar({ timeZone: 'America/New_York', hours: { sun: '01:30-03:00' } }, 'en')
    expect(iso(autumn.nextWorkingMoment(at('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:30:00Z')
    expect(autumn.workingMinutesBetween(at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toBe(150)
  })
})

describe('round the clock', () => {
  const always = calendar({ hours: '24/7' })
  it('counts every minute, holidays too', () => {
    expect(always).toBe(ROUND_THE_CLOCK)
    expect(iso(always.addWorkingMinutes(at('2025-12-31T14:55:00Z'), 15))).toBe('2025-12-31T15:10:00Z')
    expect(always.workingMinutesBetween(at('2025-12-31T21:00:00Z'), at('2026-01-11T21:00:00Z'))).toBe(11 * 1440)
    expect(iso(always.nextWorkingMoment(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:00:00Z')
    expect(always.isWorkingTime(at('2026-01-01T00:00:00Z'))).toBe(true)
  })

  it('is what a rule gets when it chooses "24/7" over the portal\'s working time', () => {
    expect(timeFor(moscow, '24/7')).toBe(ROUND_THE_CLOCK)
    expect(timeFor(moscow, 'working')).toBe(moscow)
    expect(iso(timeFor(moscow, '24/7').addWorkingMinutes(at('2025-12-31T14:55:00Z'), 15))).toBe('2025-12-31T15:10:00Z')
  })
})

describe('the portal\'s own days from settings', () => {
  const portal = calendar({
    daysOff: ['2026-12-29'],
    workingDays: [{ date: '2026-12-26', hours: '10:00-15:00' }, '2026-12-27', { date: '2026-01-09' }],
    hours: { fri: '09:00-16:00' },
  })
  it.each([
    // Tue 29 Dec 2026 off by settings → Wed 30 Dec 09:00.
    ['Tue 29.12.2026 10:00 (day off)', '2026-12-29T07:00:00Z', false, '2026-12-30T06:00:00Z'],
    // Sat 26 Dec 2026 works 10:00–15:00.
    ['Sat 26.12.2026 08:00', '2026-12-26T05:00:00Z', false, '2026-12-26T07:00:00Z'],
    ['Sat 26.12.2026 14:59', '2026-12-26T11:59:00Z', true, '2026-12-26T11:59:00Z'],
    // Sun 27 Dec 2026 works with the usual hours (Monday's 09:00–18:00).
    ['Sat 26.12.2026 15:00', '2026-12-26T12:00:00Z', false, '2026-12-27T06:00:00Z'],
    ['Sun 27.12.2026 17:59', '2026-12-27T14:59:00Z', true, '2026-12-27T14:59:00Z'],
    // The settings beat the production calendar: Fri 9 Jan 2026 works, with Friday's hours 09:00–16:00.
    ['Mon 05.01.2026 10:00', '2026-01-05T07:00:00Z', false, '2026-01-09T06:00:00Z'],
    ['Fri 09.01.2026 16:00', '2026-01-09T13:00:00Z', false, '2026-01-12T06:00:00Z'],
    // Fridays end at 16:00.
    ['Fri 04.12.2026 16:00', '2026-12-04T13:00:00Z', false, '2026-12-07T06:00:00Z'],
  ])('%s', (_, instant, working, next) => {
    expect(portal.isWorkingTime(at(instant))).toBe(working)
    expect(iso(portal.nextWorkingMoment(at(instant)))).toBe(next)
  })

  it('adds minutes over them: Sat 26 Dec 14:50 + 15 → Sun 27 Dec 09:05; Mon 28 Dec 17:55 + 15 → Wed 30 Dec 09:10', () => {
    expect(iso(portal.addWorkingMinutes(at('2026-12-26T11:50:00Z'), 15))).toBe('2026-12-27T06:05:00Z')
    expect(iso(portal.addWorkingMinutes(at('2026-12-28T14:55:00Z'), 15))).toBe('2026-12-30T06:10:00Z')
  })
})

describe('defaults by the portal\'s language', () => {
  it('a Russian portal works in Moscow by the Russian calendar; an English one in UTC on weekdays only', () => {
    expect(iso(calendar({}, 'ru').nextWorkingMoment(at('2026-01-05T07:00:00Z')))).toBe('2026-01-12T06:00:00Z')
    // 5 Jan 2026 is a Monday: in UTC it simply works from 09:00Z.
    expect(iso(calendar({}, 'en').nextWorkingMoment(at('2026-01-05T07:00:00Z')))).toBe('2026-01-05T09:00:00Z')
    // A Kazakh portal: Asia/Almaty (UTC+5); no kz calendar shipped yet, so weekdays only.
    expect(iso(calendar({}, 'kz').nextWorkingMoment(at('2026-12-01T03:00:00Z')))).toBe('2026-12-01T04:00:00Z')
    // Settings can switch the production calendar off.
    expect(iso(calendar({ country: 'none' }, 'ru').nextWorkingMoment(at('2026-01-05T07:00:00Z')))).toBe('2026-01-05T07:00:00Z')
  })
})

describe('N working days after a start (Moscow, default hours)', () => {
  it.each([
    // Mon 07.12.2026 10:00 + 3 → Thu 10:00.
    ['Mon 07.12.2026 10:00 + 3', '2026-12-07T07:00:00Z', 3, '2026-12-10T07:00:00Z'],
    // Thu 10:00 + 3 → Tue 10:00 over the weekend.
    ['Thu 10.12.2026 10:00 + 3', '2026-12-10T07:00:00Z', 3, '2026-12-15T07:00:00Z'],
    // Outside working time: from the next working moment (Sat 20:00 → Mon 09:00) → Thu 09:00.
    ['Sat 12.12.2026 20:00 + 3', '2026-12-12T17:00:00Z', 3, '2026-12-17T06:00:00Z'],
    // Over the New Year holidays: Tue 30.12.2025 12:00 → 12, 13, 14 Jan 2026.
    ['Tue 30.12.2025 12:00 + 3', '2025-12-30T09:00:00Z', 3, '2026-01-14T09:00:00Z'],
    // Into a shortened day (Thu 30.04.2026 ends 17:00): 17:30 on Mon 27.04 lands at its close.
    ['Mon 27.04.2026 17:30 + 3', '2026-04-27T14:30:00Z', 3, '2026-04-30T14:00:00Z'],
  ])('%s → %s', (_, start, days, expected) => {
    expect(iso(moscow.addWorkingDays(at(start), days))).toBe(expected)
  })

  it('round the clock, a day is 24 hours', () => {
    expect(iso(ROUND_THE_CLOCK.addWorkingDays(at('2026-12-12T17:00:00Z'), 3))).toBe('2026-12-15T17:00:00Z')
  })
})

describe('the working periods between two instants', () => {
  it('lists each working day’s hours, clipped to the span, up to a limit', () => {
    // Fri 04.12.2026 17:00 MSK to Tue 08.12 10:00: Fri 17–18, Mon 9–18, Tue 9–10.
    const periods = moscow.workingPeriods(at('2026-12-04T14:00:00Z'), at('2026-12-08T07:00:00Z'), 10).map(([a, b]) => [iso(new Date(a)), iso(new Date(b))])
    expect(periods).toEqual([
      ['2026-12-04T14:00:00Z', '2026-12-04T15:00:00Z'],
      ['2026-12-07T06:00:00Z', '2026-12-07T15:00:00Z'],
      ['2026-12-08T06:00:00Z', '2026-12-08T07:00:00Z'],
    ])
    expect(moscow.workingPeriods(at('2026-12-04T14:00:00Z'), at('2026-12-08T07:00:00Z'), 2)).toHaveLength(2)
    expect(ROUND_THE_CLOCK.workingPeriods(at('2026-12-04T14:00:00Z'), at('2026-12-08T07:00:00Z'), 5)).toEqual([[Date.parse('2026-12-04T14:00:00Z'), Date.parse('2026-12-08T07:00:00Z')]])
  })
})
