// TASK-DEADLINE, pure, on the Russian production calendar: at most 3 working days from setting to deadline.
import { describe, expect, it } from 'vitest'
import { calendarFor, timeFor } from '../../rules/calendar/portal-calendar.js'
import { civilDateText, taskDeadline } from '../../rules/task-deadline.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { change, context, created, task } from './task-fixtures.js'

const moscow = calendarFor(resolveRuleSettings({}).calendar, 'ru', loadProductionCalendars())
// The calendar as the catalogue hands it: the portal's working time, or every minute under `time: "24/7"`.
function check(fields: Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const ruleContext = context('TASK-DEADLINE', settings)
  return taskDeadline.check(task(fields), { ...ruleContext, calendar: timeFor(moscow, ruleContext.settings.time) })
}

// Set Thu 10.12.2026 10:00 MSK: three working days over the weekend end Tue 15.12 10:00, plus an hour's tolerance.
describe('TASK-DEADLINE', () => {
  it.each([
    ['Mon 14.12 18:00, within three days', { deadline: '2026-12-14T18:00:00+03:00' }, {}, []],
    ['Tue 15.12 10:00, three working days over the weekend', { deadline: '2026-12-15T10:00:00+03:00' }, {}, []],
    ['Tue 15.12 11:00, within the tolerance', { deadline: '2026-12-15T11:00:00+03:00' }, {}, []],
    ['Tue 15.12 11:01, past the tolerance', { deadline: '2026-12-15T11:01:00+03:00' }, {}, ['long']],
    ['Wed 16.12 10:00, four working days', { deadline: '2026-12-16T10:00:00+03:00' }, {}, ['long']],
    ['Tue 15.12 10:00 counting every minute ("24/7")', { deadline: '2026-12-15T10:00:00+03:00' }, { time: '24/7' }, ['long']],
    ['five days allowed by the settings', { deadline: '2026-12-16T10:00:00+03:00' }, { maxDays: 5 }, []],
    ['no deadline', { deadline: '' }, {}, ['none']],
    ['a null deadline', { deadline: null }, {}, ['none']],
    ['a long deadline set by the responsible', { deadline: '2026-12-18T18:00:00+03:00', history: [created, change('DEADLINE', '2026-12-14T18:00:00+03:00', '2026-12-18T18:00:00+03:00', '5')] }, {}, []],
    ['a long deadline set by the creator later', { deadline: '2026-12-18T18:00:00+03:00', history: [created, change('DEADLINE', '2026-12-14T18:00:00+03:00', '2026-12-18T18:00:00+03:00', '1')] }, {}, ['long']],
    ['the responsible\'s date changed again by the creator', {
      deadline: '2026-12-21T18:00:00+03:00',
      history: [created, change('DEADLINE', '', '2026-12-18T18:00:00+03:00', '5'), change('DEADLINE', '2026-12-18T18:00:00+03:00', '2026-12-21T18:00:00+03:00', '1', '2026-12-10T15:00:00+03:00')],
    }, {}, ['long']],
    ['a long deadline set at creation', { deadline: '2026-12-18T18:00:00+03:00' }, {}, ['long']],
    ['one\'s own task with a long deadline', { createdBy: '5', deadline: '2026-12-18T18:00:00+03:00', history: undefined }, {}, []],
    ['a report without a deadline', { title: 'Отчёт по продажам за ноябрь', deadline: '' }, {}, []],
    ['a report, exemptReports false', { title: 'ОТЧЕТ по звонкам', deadline: '' }, { exemptReports: false }, ['none']],
    ['a completed task without a deadline', { status: '5', deadline: '' }, {}, []],
  ])('%s', (_case, fields, settings, variants) => {
    const findings = check(fields, settings)
    expect(findings.map((finding) => finding.variant)).toEqual(variants)
    for (const finding of findings) expect(finding).toMatchObject({ ruleId: 'TASK-DEADLINE', responsibleId: '5', recipients: ['1'] })
    for (const finding of findings) expect(finding.undecided).toBeUndefined()
  })

  it('says the dates in words', () => {
    const [long] = check({ deadline: '2026-12-18T18:00:00+03:00' })
    expect(long?.problem.ru).toBe('У задачи «Подготовить КП для ООО «Вектор»» срок 18.12.2026 — больше 3 рабочих дней после постановки 10.12.2026.')
    expect(long?.todo.ru).toBe('Сократите срок до 3 рабочих дней или разбейте задачу на части; если ответственный знает, что нужно больше, он сам ставит реальный срок.')
    const [none] = check({ deadline: '' })
    expect(none?.problem.ru).toBe('У задачи «Подготовить КП для ООО «Вектор»» нет срока.')
    expect(check({ deadline: '2026-12-14T18:00:00+03:00' }, { maxDays: 1 })[0]?.problem.ru).toContain('больше 1 рабочего дня после постановки')
  })

  it('without the portal history a long deadline cannot be judged; a short one needs no history', () => {
    const [finding] = check({ deadline: '2026-12-18T18:00:00+03:00', history: undefined })
    expect(finding).toMatchObject({ variant: 'long', undecided: { ru: 'Неизвестно, кто поставил длинный срок задачи: портал не отдал историю задачи.' } })
    expect(check({ deadline: '2026-12-14T18:00:00+03:00', history: undefined })).toEqual([])
  })

  it.each([['2026-12-18T18:00:00+03:00', '18.12.2026'], ['2026-01-05', '05.01.2026'], ['завтра', 'завтра']])('%s reads %s', (value, words) => {
    expect(civilDateText(value)).toBe(words)
  })
})
