// The settings page's translations, both ways: ISO-8601 durations as a number and a unit, cron lines as a day and a
// time, the check's messages in words. Tables: one row a case.
import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/settings/durations.js'
import { monthlyCron, monthlyMoment, weeklyCron, weeklyMoment } from '../../placements/settings/cron.js'
import { durationParts, isoOf, plural } from '../../placements/settings/duration.js'
import { explain } from '../../placements/settings/errors.js'

describe('durations on the page', () => {
  it.each([
    ['PT15M', 15, 'M'], ['PT20M', 20, 'M'], ['PT1H', 1, 'H'], ['PT2H', 2, 'H'], ['PT90M', 90, 'M'], ['PT24H', 24, 'H'], ['P1D', 1, 'D'],
    ['P90D', 90, 'D'], ['P1DT2H', 26, 'H'], ['PT1.5H', 90, 'M'], ['PT90S', 90, 'S'], ['PT0S', 0, 'M'], ['P1W', 7, 'D'], ['-PT5M', -5, 'M'],
  ] as const)('%s is %d of %s, and goes back to the same length', (iso, amount, unit) => {
    const parts = durationParts(iso)
    expect(parts).toMatchObject({ amount, unit, iso })
    const back = isoOf(amount, unit)
    const ms = (text: string) => (text.startsWith('-') ? -parseDuration(text.slice(1))! : parseDuration(text))
    expect(ms(back)).toBe(ms(iso))
  })

  it('keeps what is not a duration as no number', () => {
    expect(durationParts('пятнадцать минут')).toMatchObject({ amount: null, ms: null })
    expect(durationParts(undefined)).toMatchObject({ amount: null })
  })

  it.each([[1, 'минута'], [2, 'минуты'], [5, 'минут'], [11, 'минут'], [21, 'минута'], [22, 'минуты'], [1.5, 'минуты']] as const)('%d %s', (n, word) => {
    expect(plural(n, ['минута', 'минуты', 'минут'])).toBe(word)
  })
})

describe('the reports’ schedule on the page', () => {
  it.each([
    ['0 9 * * 1', 1, '09:00'], ['0 17 * * 5', 5, '17:00'], ['30 8 * * 0', 0, '08:30'], ['0 9 * * 7', 0, '09:00'], ['0 9 * * fri', 5, '09:00'],
  ] as const)('weekly %s is weekday %d at %s', (cron, day, time) => {
    expect(weeklyMoment(cron)).toEqual({ day, time })
  })

  it('writes a weekly and a monthly moment as the cron lines the file keeps', () => {
    expect(weeklyCron({ day: 5, time: '17:00' })).toBe('0 17 * * 5')
    expect(monthlyCron({ day: 1, time: '09:00' })).toBe('0 9 1 * *')
    expect(monthlyMoment('0 9 1 * *')).toEqual({ day: 1, time: '09:00' })
  })

  it.each(['0 9 * * 1-5', '*/5 * * * *', '0 9 1 * *', null])('weekly %s is not a single weekday (the page keeps it as the file’s own)', (cron) => {
    expect(weeklyMoment(cron)).toBeUndefined()
  })
})

describe('the check’s messages in words', () => {
  it.each([
    ['rules.LEAD-CONTACT-SLA.within', 'must not be negative (got "-PT5M")', 'срок должен быть больше нуля', 'the time must be more than zero'],
    ['rules.LEAD-CONTACT-SLA.within', 'must be an ISO-8601 duration such as PT15M or P1D (got "")', 'укажите число', 'enter a number'],
    ['reports.weekly', 'must be a cron expression such as "0 9 * * 1" (Monday 09:00) (got "x")', 'выберите день и время', 'choose a day and a time'],
    ['reports.plans.5.created', 'must be a whole number', 'нужно целое число', 'a whole number is needed'],
    ['rules.LEAD-TITLE.defaultTitles.0', 'must be a valid regular expression', 'шаблон не разобран — проверьте скобки и знаки', 'the pattern cannot be read: check its brackets and signs'],
    ['calendar.hours.mon', 'must be "off" or working hours HH:MM-HH:MM such as 09:00-18:00 (got "9-6")', 'укажите начало и конец рабочего дня, например с 09:00 до 18:00', 'enter when the working day starts and ends, e.g. 09:00 to 18:00'],
    ['rules.LEAD-TITLE.since', 'Invalid input', 'укажите дату', 'enter a date'],
    ['rules.X', 'something new', 'значение не подходит', 'this value does not fit'],
  ] as const)('%s: %s', (path, message, ru, en) => {
    expect(explain(path, message, 'ru')).toBe(ru)
    expect(explain(path, message, 'en')).toBe(en)
    expect(explain(path, message, 'ru')).not.toMatch(/\bP(T?\d|\d)|\*/)
  })
})
