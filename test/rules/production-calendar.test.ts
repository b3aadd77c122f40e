// The xmlcalendar/data parser: the shipped files read as the decrees say; a malformed file is one line naming what is wrong.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseProductionCalendar } from '../../rules/calendar/production-calendar.js'

const shipped = (year: number) => parseProductionCalendar(readFileSync(new URL(`../../src/calendars/ru/${year}/calendar.xml`, import.meta.url), 'utf8'))

describe('parseProductionCalendar', () => {
  it('reads 2025 as Decree No. 1335 has it: the transfers, the working Saturday, the shortened days', () => {
    const { year, country, days } = shipped(2025)
    expect([year, country, days.size]).toEqual([2025, 'ru', 23])
    expect(days.get('2025-01-08')).toBe('off')
    expect(days.get('2025-05-02')).toBe('off') // moved from Sat 4 Jan
    expect(days.get('2025-12-31')).toBe('off') // moved from Sun 5 Jan
    expect(days.get('2025-11-01')).toBe('short') // a working Saturday, shortened
    expect(days.get('2025-11-03')).toBe('off') // moved from Sat 1 Nov
    expect(days.get('2025-03-07')).toBe('short')
    expect(days.get('2025-12-30')).toBeUndefined() // an ordinary Tuesday
  })

  it('reads 2026 and the provisional 2027', () => {
    expect(shipped(2026).days.get('2026-01-09')).toBe('off')
    expect(shipped(2026).days.get('2026-12-31')).toBe('off')
    expect(shipped(2026).days.get('2026-11-03')).toBe('short')
    expect(shipped(2027).days.get('2027-05-10')).toBe('off')
    expect(shipped(2027).days.get('2027-12-31')).toBe('short')
  })

  it('takes a working weekend day (t=3) and a file without a country', () => {
    const parsed = parseProductionCalendar('<calendar year="2021" lang="ru" date="2021.01.01"><days><day d="02.20" t="3"/><day d="02.22" t="1" f="02.20" /></days></calendar>')
    expect([...parsed.days]).toEqual([['2021-02-20', 'work'], ['2021-02-22', 'off']])
    expect(parsed.country).toBeNull()
  })

  it.each([
    ['', 'no <calendar year="YYYY"> element'],
    ['<calendar lang="ru"><days/></calendar>', '<calendar> needs year="YYYY" (got "")'],
    ['<calendar year="2026"><days><day d="13.01" t="1"/></days></calendar>', '<day d="13.01"> is not a date MM.DD of 2026'],
    ['<calendar year="2026"><days><day d="02.29" t="1"/></days></calendar>', '<day d="02.29"> is not a date MM.DD of 2026'],
    ['<calendar year="2026"><days><day d="01.01" t="4"/></days></calendar>', '<day d="01.01"> has t="4", expected 1 (off), 2 (shortened) or 3 (working)'],
    ['<calendar year="2026"><days><day d="01.09" t="1" f="1.3"/></days></calendar>', '<day d="01.09"> has f="1.3", expected a date MM.DD'],
    ['<calendar year="2026"><days><day d="01.01" t="1"/><day d="01.01" t="2"/></days></calendar>', '<day d="01.01"> appears twice'],
    ['<calendar year="2026"><dayz/></calendar>', 'unexpected element <dayz>'],
    ['<calendar year="2026"><days><day d="01.01" t="1"></days>oops</calendar>', 'unexpected content "oops"'],
    ['<calendar year="2026"><days><day d=01.01 t="1"/></days></calendar>', 'unexpected content "<day d=01.01 t=\\"1\\"/>"'],
    ['<days><day d="01.01" t="1"/></days>', '<day> outside <calendar year="...">'],
  ])('refuses %j: %s', (xml, message) => {
    expect(() => parseProductionCalendar(xml)).toThrow(message)
  })
})
