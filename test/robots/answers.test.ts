// The robots' answers as pure data, one row a case, on real Russian dates and names as portals hold them.
import { describe, expect, it } from 'vitest'
import { calendarFor } from '../../rules/calendar/portal-calendar.js'
import type { Directory } from '../../rules/directory.js'
import { DEFAULT_LEGAL_FORMS } from '../../rules/legal-forms.js'
import { propertyList } from '../../src/robots/answer.js'
import { checkAnswer, nameFixAnswer, notifyAnswer } from '../../src/robots/answer-record.js'
import { dueAnswer, waitAnswer } from '../../src/robots/answer-time.js'
import { isoInZone, parsePortalDateTime } from '../../src/robots/dates.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { actionKey } from '../../src/store/plan.js'

const MSK = 'Europe/Moscow'
const calendar = calendarFor(resolveRuleSettings({}).calendar, 'ru', loadProductionCalendars())
const key = actionKey({ text: 'robot:wf|A1|t' })

describe('the date-times a robot reads and writes', () => {
  it.each<[string, string, string | undefined | 'invalid']>([
    ['the Russian site format', '30.12.2025 17:00', '2025-12-30T17:00:00+03:00'],
    ['with seconds', '30.12.2025 17:00:00', '2025-12-30T17:00:00+03:00'],
    ['a date alone: its midnight', '12.01.2026', '2026-01-12T00:00:00+03:00'],
    ['the wall clock, ISO-like', '2025-12-30 17:00', '2025-12-30T17:00:00+03:00'],
    ['ISO 8601 with an offset', '2025-12-30T14:00:00Z', '2025-12-30T17:00:00+03:00'],
    ['empty: now', '  ', undefined],
    ['words', 'завтра', 'invalid'],
    ['no such month', '30.13.2025 17:00', 'invalid'],
  ])('%s: «%s»', (_name, text, expected) => {
    const parsed = parsePortalDateTime(text, MSK)
    expect(parsed instanceof Date ? isoInZone(parsed, MSK) : parsed).toBe(expected)
  })
})

describe('«Срок в рабочем времени» and «Дождаться рабочего времени»', () => {
  const now = new Date('2026-12-05T20:00:00Z') // Saturday 23:00 in Moscow
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['across the New Year holidays', { start: '30.12.2025 17:00', amount: '2', unit: 'hours' }, { due: '2026-01-12T10:00:00+03:00' }],
    ['three working days from a Monday morning', { start: '07.12.2026 10:00', amount: '3', unit: 'days' }, { due: '2026-12-10T10:00:00+03:00' }],
    ['from now (Saturday night), one working day', { start: '', amount: '1', unit: 'days' }, { due: '2026-12-08T09:00:00+03:00' }],
    ['no amount: one', { start: '30.12.2025 17:00', unit: 'hours' }, { due: '2025-12-30T18:00:00+03:00' }],
    ['an amount that is no number ends the step with the error', { amount: 'два', unit: 'hours' }, {}],
  ])('%s', (_name, properties, expected) => {
    expect(dueAnswer(properties, { now, calendar, timeZone: MSK }).returnValues).toEqual(expected)
  })

  it('called Saturday 23:00, the step goes on Monday 09:00', () => {
    const answer = waitAnswer({ now, calendar, timeZone: MSK })
    expect(answer.returnValues).toEqual({ resumed_at: '2026-12-07T09:00:00+03:00' })
    expect(answer.resumeAt?.toISOString()).toBe('2026-12-07T06:00:00.000Z')
    expect(answer.log.ru).toBe('Рабочее время: продолжено 07.12.2026, 09:00 (Москва, Санкт-Петербург (МСК)).')
  })

  it('during working time it goes on at once', () => {
    expect(waitAnswer({ now: new Date('2026-12-07T08:00:00Z'), calendar, timeZone: MSK }).resumeAt).toBeUndefined()
  })
})

describe('«Проверить правила компании»', () => {
  const broken = (ruleId: string, ru: string) => ({ ruleId, title: { ru: `Правило ${ruleId}`, en: `Rule ${ruleId}` }, problem: { ru, en: ru } })
  it('lists each broken rule once, in the portal language; none: complies', () => {
    const answer = checkAnswer([broken('LEAD-TITLE', 'Название по умолчанию'), broken('LEAD-TITLE', 'ещё раз'), broken('LEAD-COMPANY-NAME', 'Кавычки')], 'ru')
    expect(answer.returnValues).toEqual({
      complies: 'N', violation_count: 2, rule_ids: ['LEAD-TITLE', 'LEAD-COMPANY-NAME'],
      violations: 'LEAD-TITLE «Правило LEAD-TITLE»: Название по умолчанию\nLEAD-COMPANY-NAME «Правило LEAD-COMPANY-NAME»: Кавычки',
    })
    expect(checkAnswer([], 'en')).toMatchObject({ returnValues: { complies: 'Y', violation_count: 0, violations: '', rule_ids: [] }, log: { en: 'The record complies with the company rules.' } })
  })

  it.each<[string, string | string[] | undefined, string[]]>([
    ['several, as PHP brackets send them', ['LEAD-TITLE', 'LEAD-FIELDS'], ['LEAD-TITLE', 'LEAD-FIELDS']],
    ['one string, comma-separated', 'LEAD-TITLE, LEAD-FIELDS', ['LEAD-TITLE', 'LEAD-FIELDS']],
    ['empty: every rule', '', []],
    ['absent: every rule', undefined, []],
  ])('the rules chosen: %s', (_name, value, expected) => {
    expect(propertyList(value === undefined ? {} : { rules: value }, 'rules')).toEqual(expected)
  })
})

describe('«Исправить название компании»', () => {
  const target = (name: string) => ({ entity: 'lead' as const, id: '7', field: 'COMPANY_TITLE' as const, name })
  it.each<[string, string, Record<string, string>, number]>([
    ['quotes and the form first', 'ООО «Вектор»', { name_before: 'ООО «Вектор»', name_after: 'Вектор ООО', changed: 'Y', left_for_person: 'N' }, 1],
    ['the form after a comma', '"Ромашка", АО', { name_before: '"Ромашка", АО', name_after: 'Ромашка АО', changed: 'Y', left_for_person: 'N' }, 1],
    ['already right', 'ВТБ24 ОАО', { name_before: 'ВТБ24 ОАО', name_after: 'ВТБ24 ОАО', changed: 'N', left_for_person: 'N' }, 0],
    ['no name at all', '', { name_before: '', name_after: '', changed: 'N', left_for_person: 'N' }, 0],
  ])('%s: «%s»', (_name, name, expected, fixes) => {
    const answer = nameFixAnswer(target(name), DEFAULT_LEGAL_FORMS, key)
    expect(answer.returnValues).toEqual(expected)
    expect(answer.steps).toHaveLength(fixes)
  })

  it('the fix is planned on its own key under the call, with only the changed field', () => {
    const [step] = nameFixAnswer(target('ООО «Вектор»'), DEFAULT_LEGAL_FORMS, key).steps
    expect(step).toMatchObject({ op: 'action', key: { owner: { text: 'robot:wf|A1|t' }, parts: ['fix'] }, payload: { kind: 'fix', entity: 'lead', entityId: '7', fields: { COMPANY_TITLE: 'Вектор ООО' } } })
  })
})

describe('«Сообщить руководителю»', () => {
  // Анна (5) in sales, headed by Дмитрий (4); sales under the management headed by Ольга (3).
  const directory: Directory = {
    users: new Map([
      ['3', { id: '3', name: 'Ольга Кузнецова', active: true, departments: ['1'] }],
      ['4', { id: '4', name: 'Дмитрий Соколов', active: true, departments: ['2'] }],
      ['5', { id: '5', name: 'Анна Морозова', active: true, departments: ['2'] }],
    ]),
    departments: new Map([
      ['1', { id: '1', name: 'Руководство', parentId: null, headId: '3' }],
      ['2', { id: '2', name: 'Продажи', parentId: '1', headId: '4' }],
    ]),
  }
  const input = (responsibleId: string | null) => ({ responsibleId, directory, supervisors: {}, link: 'Лид [URL=https://b24.example/crm/lead/details/7/]«Заявка»[/URL]', calendar, now: new Date('2026-12-07T08:00:00Z') })
  it.each<[string, string | null, string, Record<string, string>]>([
    ['one level up', '5', '1', { notified: 'Y', supervisor: 'user_4' }],
    ['two levels up', '5', '2', { notified: 'Y', supervisor: 'user_3' }],
    ['above the top: nobody', '3', '1', { notified: 'N', supervisor: '' }],
    ['no responsible', null, '1', { notified: 'N', supervisor: '' }],
  ])('%s', (_name, responsible, levels, expected) => {
    expect(notifyAnswer({ message: 'Клиент просит скидку', levels_up: levels }, input(responsible), key).returnValues).toEqual(expected)
  })

  it('an empty text is an error, not an empty message', () => {
    expect(notifyAnswer({ message: ' ', levels_up: '1' }, input('5'), key)).toMatchObject({ returnValues: {}, steps: [], log: { ru: 'Ошибка: текст сообщения пуст.' } })
  })
})
