// TASK-PREFIX as a table: task titles as employees type them, the forms they have, and who is exempt.
import { describe, expect, it } from 'vitest'
import type { Directory } from '../../rules/directory.js'
import { containsWord, hasPrefix, taskPrefix } from '../../rules/task-prefix.js'
import type { RecordInput, Snapshot } from '../../rules/types.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { ruleContext } from './context.js'

const directory: Directory = {
  users: new Map([
    ['7', { id: '7', name: 'Елена Кузнецова', active: true, departments: ['4'] }],
    ['11', { id: '11', name: 'Дмитрий Соколов', active: true, departments: ['4'] }],
  ]),
  departments: new Map([['4', { id: '4', name: 'Отдел закупок', parentId: null, headId: '11' }]]),
}

const context = (overrides: Record<string, unknown> = {}) => ruleContext('TASK-PREFIX', overrides, { now: new Date('2026-12-01T10:00:00+03:00'), directory })
const task = (fields: Snapshot): RecordInput => ({
  entity: 'task', id: '301', previous: undefined,
  current: {
    id: '301', title: 'РЗ: подготовить договор поставки', description: '', status: '2', responsibleId: '12', createdBy: '7',
    createdDate: '2026-12-01T09:30:00+03:00', deadline: '', accomplices: [], auditors: [], groupId: '0', ufCrmTask: [], ...fields,
  },
})

describe('TASK-PREFIX', () => {
  it.each([
    ['РЗ: подготовить договор поставки', true],
    ['РЗ - согласовать счёт №418', true],
    ['РЗ. Заказать визитки', true],
    ['[РЗ] Обновить прайс на сайте', true],
    ['РЗ Выставить счёт ООО «Вектор»', true],
    ['рз: проверить остатки на складе', true],
    ['Рз позвонить в банк', true],
    ['РЗ', true],
    ['ПР Скидка 7% для «Альфа-Строй» по сделке 12', true],
    ['ПР: закупка ноутбуков', true],
    ['пр — продление отпуска', true],
    ['«ПР» Замена поставщика бумаги', true],
    ['P3: заказать воду', true], // Latin P and the digit 3
    ['PЗ: заказать воду', true], // Latin P, Cyrillic З
    ['ПP: новый тариф', true], // Latin P in ПР
    ['Отчёт за ноябрь', true],
    ['Еженедельный отчет по продажам', true],
    ['ОТЧЕТ: звонки за неделю', true],
    ['Отчеты менеджеров, 48 неделя', true],
    ['Разработать макет буклета', false],
    ['Прайс от поставщика', false],
    ['Прошу согласовать отпуск', false],
    ['Проверить оплату по счёту 418', false],
    ['Прогноз продаж на декабрь', false],
    ['РЗД: отгрузка', false],
    ['Подотчетные суммы за ноябрь', false],
    ['Позвонить клиенту', false],
    ['', false],
  ])('«%s» has a form: %s', (title, ok) => {
    expect(taskPrefix.check(task({ title }), context())).toHaveLength(ok ? 0 : 1)
  })

  it('the creator is told once, naming the forms', () => {
    const [finding] = taskPrefix.check(task({ title: 'Позвонить клиенту' }), context())
    expect(finding).toMatchObject({ ruleId: 'TASK-PREFIX', variant: '', responsibleId: '12', recipients: ['7'] })
    expect(finding?.problem.ru).toBe(
      'У задачи «Позвонить клиенту» нет формы в названии. Название задачи должно начинаться с РЗ (рабочая задача) или ПР (письмо-решение) либо содержать «отчёт» (отчёт).',
    )
    expect(finding?.todo.en).toBe('Rename the task. The task\'s title must start with РЗ (work task) or ПР (letter-decision) or contain "отчёт" (report).')
  })

  it.each([
    ['a creator the settings exempt (the integration bot)', { createdBy: '1' }, { exemptCreators: ['1'] }, 0],
    ['a group the settings exempt', { groupId: '15' }, { exemptGroups: ['15'] }, 0],
    ['another group', { groupId: '16' }, { exemptGroups: ['15'] }, 1],
    ['a task bound to a deal, with exemptCrmBound', { ufCrmTask: ['D_12'] }, { exemptCrmBound: true }, 0],
    ['a task bound to a deal, by default', { ufCrmTask: ['D_12'] }, {}, 1],
    ['a completed task', { status: '5' }, {}, 0],
    ['a deferred task', { status: '6' }, {}, 1],
    ['a task without a creator', { createdBy: '' }, {}, 0],
  ])('%s → %d finding(s)', (_, fields, overrides, count) => {
    expect(taskPrefix.check(task({ title: 'Позвонить клиенту', ...fields }), context(overrides))).toHaveLength(count)
  })

  it('the forms are a setting: a company with only РЗ names only РЗ', () => {
    const forms = [{ text: 'РЗ', at: 'start', name: { ru: 'рабочая задача', en: 'work task' } }]
    expect(taskPrefix.check(task({ title: 'ПР: скидка' }), context({ forms }))[0]?.problem.ru).toContain('Название задачи должно начинаться с РЗ (рабочая задача).')
  })

  it('the recognisers, exported for the other task rules', () => {
    expect(hasPrefix('  (ПР) скидка', 'ПР')).toBe(true)
    expect(hasPrefix('Прайс', 'ПР')).toBe(false)
    expect(containsWord('Сводный отчёт', 'отчет')).toBe(true)
  })

  it.each([
    [{ forms: [] }, 'rules.TASK-PREFIX.forms must name at least one form'],
    [{ forms: [{ text: 'РЗ', at: 'end', name: { ru: 'р', en: 'w' } }] }, 'rules.TASK-PREFIX.forms.0.at must be "start" or "anywhere"'],
    [{ exemptCreators: ['bot'] }, 'rules.TASK-PREFIX.exemptCreators.0 must be a user id'],
    [{ exemptCrmBound: 'yes' }, 'rules.TASK-PREFIX.exemptCrmBound must be true or false'],
  ])('settings %j are refused: %s', (overrides, message) => {
    expect(() => resolveRuleSettings({ rules: { 'TASK-PREFIX': overrides } })).toThrow(message)
  })
})
