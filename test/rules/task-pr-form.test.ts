// TASK-PR-FORM as tables: letter-decisions as employees write them, with BB-codes, and what the creator is told is missing.
import { describe, expect, it } from 'vitest'
import { calendarFor } from '../../rules/calendar/portal-calendar.js'
import type { Directory } from '../../rules/directory.js'
import { missingParts } from '../../rules/task-pr-body.js'
import { taskPrForm } from '../../rules/task-pr-form.js'
import type { RecordInput, Snapshot, TaskHistoryEntry } from '../../rules/types.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { ruleContext } from './context.js'

// Елена (7) works in purchasing, headed by Дмитрий (11); Ирина (12) is a colleague; Олег (2) heads the company.
const directory: Directory = {
  users: new Map([
    ['7', { id: '7', name: 'Елена Кузнецова', active: true, departments: ['4'] }],
    ['11', { id: '11', name: 'Дмитрий Соколов', active: true, departments: ['4'] }],
    ['12', { id: '12', name: 'Ирина Белова', active: true, departments: ['4'] }],
    ['2', { id: '2', name: 'Олег Смирнов', active: true, departments: ['1'] }],
  ]),
  departments: new Map([
    ['1', { id: '1', name: 'Дирекция', parentId: null, headId: '2' }],
    ['4', { id: '4', name: 'Отдел закупок', parentId: '1', headId: '11' }],
  ]),
}
const settings = resolveRuleSettings({})
// Moscow working hours, Monday to Friday.
const calendar = calendarFor(settings.calendar, 'ru', new Map())

const context = (overrides: Record<string, unknown> = {}) => ruleContext('TASK-PR-FORM', overrides, { now: new Date('2026-12-01T10:00:00+03:00'), directory, calendar })

const BODY = [
  '[B]Наименование вида:[/B] ПР',
  '[B]Суть вопроса[/B]',
  'Клиент «Альфа-Строй» просит скидку 7% на годовой заказ бумаги.',
  '[B]Полная информация[/B]',
  '[LIST][*]Заказ: 1 200 пачек в год[*]Прошлый год — 900 пачек без скидки[*]Конкурент предлагает 5%[/LIST]',
  '[B]Предлагаемое решение[/B]',
  'Дать скидку 7% при предоплате 50%.',
].join('\n')

// Created Friday 10:00; three working days later is Wednesday 10:00.
const task = (fields: Snapshot): RecordInput => ({
  entity: 'task', id: '410', previous: undefined,
  current: {
    id: '410', title: 'ПР Скидка «Альфа-Строй» по сделке 12', description: BODY, status: '2', responsibleId: '11', createdBy: '7',
    createdDate: '2026-11-27T10:00:00+03:00', changedDate: '2026-11-27T10:00:00+03:00', closedDate: '', deadline: '2026-12-02T10:00:00+03:00',
    accomplices: [], auditors: [], groupId: '0', ufCrmTask: ['D_12'], history: [{ field: 'NEW', from: '', to: '', userId: '7', at: '2026-11-27T10:00:00+03:00' }], ...fields,
  },
})
const comment = (userId: string): TaskHistoryEntry => ({ field: 'COMMENT', from: '', to: '', userId, at: '2026-11-30T12:00:00+03:00' })
const problem = (fields: Snapshot, overrides?: Record<string, unknown>) => taskPrForm.check(task(fields), context(overrides))[0]?.problem.ru

describe('TASK-PR-FORM', () => {
  it('a complete ПР to the supervisor, due in three working days, with the deal in its title: no finding', () => {
    expect(taskPrForm.check(task({}), context())).toEqual([])
  })

  it.each([
    ['another responsible', { responsibleId: '12' }, 'ответственный — ваш непосредственный руководитель (Дмитрий Соколов)'],
    ['no deadline', { deadline: '' }, 'срок — 3 рабочих дня после постановки'],
    ['a null deadline', { deadline: null }, 'срок — 3 рабочих дня после постановки'],
    ['a deadline a day late', { deadline: '2026-12-03T10:00:00+03:00' }, 'срок — 3 рабочих дня после постановки (стоит другой)'],
    ['three calendar days (Monday), not working days', { deadline: '2026-11-30T10:00:00+03:00' }, 'срок — 3 рабочих дня после постановки (стоит другой)'],
    ['no kind', { description: BODY.replace('[B]Наименование вида:[/B] ПР\n', '') }, 'раздел «Вид: ПР»'],
    ['no essence', { description: BODY.replace('[B]Суть вопроса[/B]\n', '') }, 'раздел «Суть вопроса»'],
    ['no full information', { description: BODY.replace('[B]Полная информация[/B]\n', '') }, 'раздел «Полная информация»'],
    ['no solution', { description: BODY.replace('[B]Предлагаемое решение[/B]\n', '') }, 'раздел «Предлагаемое решение»'],
    ['the deal number missing', { title: 'ПР Скидка «Альфа-Строй»' }, 'номер сделки 12 в названии'],
    ['the deal number only inside another number', { title: 'ПР Скидка «Альфа-Строй» 120 пачек' }, 'номер сделки 12 в названии'],
  ])('%s: the one missing item is named', (_, fields, item) => {
    expect(problem(fields)).toBe(`В ПР не хватает: ${item}.`)
  })

  it('the wrong responsible and no solution: one finding to the creator listing both', () => {
    const findings = taskPrForm.check(task({ responsibleId: '12', description: BODY.replace('[B]Предлагаемое решение[/B]\n', '') }), context())
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ ruleId: 'TASK-PR-FORM', variant: '', responsibleId: '12', recipients: ['7'] })
    expect(findings[0]?.problem.ru).toBe('В ПР не хватает: ответственный — ваш непосредственный руководитель (Дмитрий Соколов), раздел «Предлагаемое решение».')
    expect(findings[0]?.problem.en).toBe('The ПР lacks: the responsible: your direct supervisor (Дмитрий Соколов), the part "Proposed solution".')
  })

  it.each([
    ['an hour early, within PT2H', '2026-12-02T09:00:00+03:00', {}, 0],
    ['two hours late, at the edge', '2026-12-02T12:00:00+03:00', {}, 0],
    ['three hours late', '2026-12-02T13:00:00+03:00', {}, 1],
    ['three hours late, tolerance PT4H', '2026-12-02T13:00:00+03:00', { tolerance: 'PT4H' }, 0],
    ['a day late, deadlineDays 4', '2026-12-03T10:00:00+03:00', { deadlineDays: 4 }, 0],
  ])('deadline %s (%s, settings %j) → %i finding(s)', (_, deadline, overrides, count) => {
    expect(taskPrForm.check(task({ deadline }), context(overrides))).toHaveLength(count)
  })

  it.each([
    ['ПР Скидка по сделке 12', true],
    ['ПР Скидка №12', true],
    ['ПР Скидка #12 «Альфа-Строй»', true],
    ['ПР: сделка 12, скидка 7%', true],
    ['ПР Скидка 112', false],
  ])('title «%s» carries the deal 12: %s', (title, ok) => {
    expect(taskPrForm.check(task({ title }), context())).toHaveLength(ok ? 0 : 1)
  })

  it('several deals: each number is asked for', () => {
    expect(problem({ title: 'ПР Скидка по сделке 12', ufCrmTask: ['D_12', 'D_15', 'L_5'] })).toBe('В ПР не хватает: номер сделки 15 в названии.')
  })

  it.each([
    ['the supervisor’s decision in a comment closes it', [comment('11')], 0],
    ['a colleague’s comment does not', [comment('12')], 1],
    ['no history read: checked as it stands', undefined, 1],
  ])('%s', (_, history, count) => {
    expect(taskPrForm.check(task({ responsibleId: '12', history }), context())).toHaveLength(count)
  })

  it.each([
    ['a task without the ПР prefix', { title: 'РЗ Скидка «Альфа-Строй» 12', responsibleId: '12' }],
    ['a word that only begins with ПР', { title: 'Прайс «Альфа-Строй» 12', responsibleId: '12' }],
    ['a completed ПР', { status: '5', responsibleId: '12' }],
  ])('%s is not checked', (_, fields) => {
    expect(taskPrForm.check(task(fields), context())).toEqual([])
  })

  it('a creator the directory does not know: undecided when nothing else is missing, else what can be said', () => {
    const [unknown] = taskPrForm.check(task({ createdBy: '99' }), context())
    expect(unknown?.undecided?.ru).toBe('ПР не проверить: неизвестен непосредственный руководитель автора #99.')
    expect(problem({ createdBy: '99', deadline: '' })).toBe('В ПР не хватает: срок — 3 рабочих дня после постановки.')
  })

  it('the settings’ supervisors override the department head', () => {
    expect(taskPrForm.check(task({ responsibleId: '2' }), { ...context(), supervisors: { 7: '2' } })).toEqual([])
    expect(taskPrForm.check(task({ createdBy: '99' }), { ...context(), supervisors: { 99: '11' } })).toEqual([])
  })

  it('no creation time: the deadline is undecided, the rest is still checked', () => {
    expect(taskPrForm.check(task({ createdDate: '' }), context())[0]?.undecided?.ru).toBe('ПР не проверить: неизвестно, когда задача поставлена.')
    expect(problem({ createdDate: '', responsibleId: '12' })).toBe('В ПР не хватает: ответственный — ваш непосредственный руководитель (Дмитрий Соколов).')
  })

  it.each([
    ['labelled lines', 'Вид: ПР\nСуть: нужна скидка\nПодробности: заказ 1 200 пачек\nРешение: скидка 7%'],
    ['numbered upper-case headings', 'ПР\n1. СУТЬ ВОПРОСА\nскидка\n2. ПОЛНАЯ ИНФОРМАЦИЯ\nзаказ 1 200 пачек\n3. ПРЕДЛАГАЕМОЕ РЕШЕНИЕ\nдать 7%'],
    ['a BB list with dashes', '[LIST][*]Наименование вида — письмо-решение[*]Суть вопроса — скидка[*]Полная информация — заказ[*]Предлагаемое решение — 7%[/LIST]'],
    ['paragraphs with bold and ё', '[P][B]Вид задачи: ПР[/B][/P][P][B]Суть:[/B] скидка[/P][P][U]Полная информация по заказу[/U][/P][P]заказ[/P][P][B]Решение[/B] дать скидку 7%[/P]'],
    ['numbered with brackets, Windows line breaks', 'Наименование вида: ПР;\r\n2) Суть проблемы: скидка;\r\n3) Полные данные: заказ;\r\n4) Предлагаемое решение. Скидка 7%.'],
  ])('a body of %s has all four parts', (_, description) => {
    expect(missingParts(description)).toEqual([])
  })

  it.each([
    ['prose that only mentions the words', 'Прошу дать скидку, суть в том, что клиент давний. Решение за вами, информация в письме.', ['kind', 'essence', 'details', 'solution']],
    ['the kind naming another form', 'Вид: РЗ\nСуть: скидка\nПолная информация: заказ\nРешение: 7%', ['kind']],
    ['an empty body', '', ['kind', 'essence', 'details', 'solution']],
  ])('a body of %s lacks %j', (_, description, keys) => {
    expect(missingParts(description).map((part) => part.key)).toEqual(keys)
  })

  it.each([
    [{ deadlineDays: 0 }, 'rules.TASK-PR-FORM.deadlineDays must be at least 1'],
    [{ tolerance: '2h' }, 'rules.TASK-PR-FORM.tolerance must be an ISO-8601 duration such as PT15M or P1D (got "2h")'],
  ])('settings %j are refused: %s', (overrides, message) => {
    expect(() => resolveRuleSettings({ rules: { 'TASK-PR-FORM': overrides } })).toThrow(message)
  })
})
