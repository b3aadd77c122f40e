// Clock steps in working time, pure: where warnings, the breach and the ladder fall, and how a pause moves them.
import { describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import { calendarFor } from '../../rules/calendar/portal-calendar.js'
import { dueSteps, durationText, elapsedWorkingMs, msDuration, nextStepAt, NO_TIME, planClock, resumeClock, spanText, type ClockDemand } from '../../rules/clock.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

const moscow = calendarFor(resolveRuleSettings({}).calendar, 'ru', loadProductionCalendars())
const MIN = 60_000
const contact: ClockDemand = { within: msDuration(15 * MIN), basis: 'working', warnAt: [{ share: 0.8 }], escalate: [0, 60 * MIN].map(msDuration) }
const shape = (steps: ReturnType<typeof planClock>['steps']) => steps.map((step) => `${step.kind}${step.level || ''} ${step.at}`)

describe('a clock’s steps', () => {
  it('LEAD-CONTACT-SLA from 31.12.2025 17:55 MSK: the warning, the breach and both escalations after the New Year holidays', () => {
    // 31 Dec 2025 is a day off, 1–11 Jan too: the 15 working minutes start on Mon 12 Jan at 09:00.
    const timing = planClock(contact, '2025-12-31T14:55:00.000Z', moscow)
    expect(timing.dueAt).toBe('2026-01-12T06:15:00.000Z')
    expect(shape(timing.steps)).toEqual([
      'warning 2026-01-12T06:12:00.000Z', // 80 % of 15 minutes: 09:12
      'breach 2026-01-12T06:15:00.000Z', // 09:15
      'escalation1 2026-01-12T06:15:00.000Z', // the supervisor at the breach
      'escalation2 2026-01-12T07:15:00.000Z', // the supervisor's supervisor a working hour later
    ])
  })

  it('a lead before the deadline, and warnings that would fall outside the allowed time are dropped', () => {
    const demand: ClockDemand = { ...contact, warnAt: [{ beforeMs: 5 * MIN }, { beforeMs: 30 * MIN }, { share: 0.8 }], escalate: [] }
    // Tue 01.12.2026 17:50 MSK: 10 minutes today, 5 tomorrow.
    const timing = planClock(demand, '2026-12-01T14:50:00.000Z', moscow)
    expect(shape(timing.steps)).toEqual([
      'warning 2026-12-01T15:00:00.000Z', // 10 minutes in (5 before): 18:00 sharp, the day's close
      'warning 2026-12-02T06:02:00.000Z', // 12 minutes in (80 %): 09:02 next morning
      'breach 2026-12-02T06:05:00.000Z',
    ])
  })

  it('round the clock counts every minute', () => {
    const timing = planClock({ ...contact, basis: '24/7' }, '2026-12-05T23:50:00.000Z', ROUND_THE_CLOCK)
    expect(timing.dueAt).toBe('2026-12-06T00:05:00.000Z')
  })

  it('days of working time are working days: the same moment of the N-th working day, past weekends and holidays; round the clock a day is 24 hours', () => {
    const days = (n: number, ms = 0): ClockDemand => ({ within: { days: n, ms }, basis: 'working', warnAt: [{ share: 0.5 }], escalate: [{ days: 1, ms: 0 }] })
    // Thu 03.12.2026 10:00 MSK + 3 working days: Tue 08.12 10:00 (Saturday and Sunday skipped), not 72 working hours later.
    const timing = planClock(days(3), '2026-12-03T07:00:00.000Z', moscow)
    expect(timing.dueAt).toBe('2026-12-08T07:00:00.000Z')
    expect(shape(timing.steps)).toEqual([
      'warning 2026-12-04T11:30:00.000Z', // half of its 27 working hours (8 on Thursday, 5.5 on Friday): Fri 04.12 14:30
      'breach 2026-12-08T07:00:00.000Z',
      'escalation1 2026-12-09T07:00:00.000Z', // the supervisor one working day later: Wed 10:00
    ])
    // Tue 30.12.2025 17:00 + 1 working day: the New Year holidays pass, Mon 12.01.2026 17:00; and two working hours more: 10:00 the next day.
    expect(planClock(days(1), '2025-12-30T14:00:00.000Z', moscow).dueAt).toBe('2026-01-12T14:00:00.000Z')
    expect(planClock(days(1, 2 * 60 * MIN), '2025-12-30T14:00:00.000Z', moscow).dueAt).toBe('2026-01-13T07:00:00.000Z')
    // Round the clock: P1D is 24 hours.
    expect(planClock({ ...days(1), basis: '24/7' }, '2026-12-05T10:00:00.000Z', ROUND_THE_CLOCK).dueAt).toBe('2026-12-06T10:00:00.000Z')
  })

  it('says the allowed time as people do: working days in working time, hours and days round the clock', () => {
    expect(durationText({ days: 3, ms: 0 }, 'working')).toEqual({ ru: '3 рабочих дня', en: '3 working days' })
    expect(durationText({ days: 1, ms: 2 * 60 * MIN }, 'working')).toEqual({ ru: '1 рабочий день 2 ч 0 мин', en: '1 working day 2 h 0 min' })
    expect(durationText({ days: 5, ms: 0 }, 'working').ru).toBe('5 рабочих дней')
    expect(durationText({ days: 0, ms: 15 * MIN }, 'working')).toEqual({ ru: '15 мин', en: '15 min' })
    expect(durationText({ days: 2, ms: 0 }, '24/7')).toEqual({ ru: '2 дн 0 ч', en: '2 d 0 h' })
  })

  it('a zero allowance is in breach at its start, and due steps come in order, each until it is taken', () => {
    const timing = planClock({ within: NO_TIME, basis: '24/7', warnAt: [{ share: 0.5 }], escalate: [msDuration(2 * 60 * MIN)] }, '2026-12-01T10:00:00.000Z', ROUND_THE_CLOCK)
    expect(shape(timing.steps)).toEqual(['breach 2026-12-01T10:00:00.000Z', 'escalation1 2026-12-01T12:00:00.000Z'])
    expect(dueSteps(timing.steps, new Date('2026-12-01T11:00:00Z'))).toEqual([0])
    expect(dueSteps(timing.steps, new Date('2026-12-01T12:00:00Z'))).toEqual([0, 1])
    timing.steps[0]!.doneAt = '2026-12-01T10:00:00.000Z'
    expect(nextStepAt(timing.steps)).toBe('2026-12-01T12:00:00.000Z')
    expect(dueSteps(timing.steps, new Date('2026-12-01T12:00:00Z'))).toEqual([1])
  })
})

describe('a pause', () => {
  it('moves every waiting step on by the working time it lasted; taken steps stay', () => {
    // Mon 07.12.2026 09:00 MSK start; warning 09:12, breach 09:15. Paused at 09:13 (warning taken) until 14:00.
    const timing = planClock({ ...contact, escalate: [] }, '2026-12-07T06:00:00.000Z', moscow)
    timing.steps[0]!.doneAt = '2026-12-07T06:12:00.000Z'
    const resumed = resumeClock(timing, '2026-12-07T06:13:00.000Z', new Date('2026-12-07T11:00:00.000Z'), moscow)
    expect(resumed.pausedMs).toBe((4 * 60 + 47) * MIN)
    expect(resumed.steps[0]!.at).toBe('2026-12-07T06:12:00.000Z')
    // Two working minutes were left: 14:02.
    expect(resumed.dueAt).toBe('2026-12-07T11:02:00.000Z')
    // Paused over the night: only working time counts, the two minutes are left the next morning.
    const overnight = resumeClock(timing, '2026-12-07T06:13:00.000Z', new Date('2026-12-07T20:00:00.000Z'), moscow)
    expect(overnight.dueAt).toBe('2026-12-08T06:02:00.000Z')
    expect(elapsedWorkingMs('2026-12-07T06:00:00.000Z', new Date('2026-12-08T06:02:00.000Z'), overnight.pausedMs, moscow)).toBe(15 * MIN)
  })
})

describe('spans in words', () => {
  it.each([[0, '0 мин'], [0.5, '30 с'], [12.4, '12 мин'], [65, '1 ч 5 мин'], [3 * 1440 + 120, '3 дн 2 ч']])('%d minutes: %s', (minutes, ru) => {
    expect(spanText(minutes).ru).toBe(ru)
  })
})
