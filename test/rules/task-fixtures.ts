// Shared fixtures of the task rules' tests: a small directory, a task as the mirror keeps it, a rule context.
import { type BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import type { RuleSettings } from '../../rules/catalogue.js'
import type { Directory } from '../../rules/directory.js'
import type { RecordInput, Snapshot, TaskHistoryEntry } from '../../rules/types.js'
import { ruleContext } from './context.js'

export const directory: Directory = {
  users: new Map([
    ['1', { id: '1', name: 'Светлана Руководова', active: true, departments: ['1'] }],
    ['3', { id: '3', name: 'Ольга Секретарёва', active: true, departments: ['9'] }],
    ['5', { id: '5', name: 'Анна Морозова', active: true, departments: ['3'] }],
    ['6', { id: '6', name: 'Пётр Сидоров', active: true, departments: ['3'] }],
    ['7', { id: '7', name: 'Игорь Ёлкин', active: true, departments: ['3'] }],
  ]),
  departments: new Map([['3', { id: '3', name: 'Отдел продаж', parentId: null, headId: '1' }]]),
}
export const NOW = new Date('2026-12-10T12:00:00+03:00')

/** A rule's context under the defaults overridden by `overrides`. */
export function context<K extends keyof RuleSettings['rules']>(id: K, overrides: Record<string, unknown> = {}, extra: { sameTasks?: Snapshot[]; calendar?: BusinessCalendar } = {}) {
  return ruleContext(id, overrides, { now: NOW, directory, ...extra })
}

/** A task snapshot: set by Светлана (1) for Анна (5) on Thu 10.12.2026 10:00 MSK, in progress. */
export function taskSnapshot(fields: Record<string, unknown> = {}): Snapshot {
  return {
    id: '101', title: 'Подготовить КП для ООО «Вектор»', description: '[B]Суть:[/B] коммерческое предложение на 20 ноутбуков.',
    status: '3', responsibleId: '5', createdBy: '1', createdDate: '2026-12-10T10:00:00+03:00', changedDate: '2026-12-10T10:00:00+03:00',
    closedDate: '', deadline: '2026-12-14T18:00:00+03:00', accomplices: [], auditors: [], groupId: '0', ufCrmTask: [],
    history: [{ field: 'NEW', from: '', to: '', userId: '1', at: '2026-12-10T10:00:00+03:00' }],
    ...fields,
  }
}

export const task = (fields: Record<string, unknown> = {}): RecordInput => {
  const current = taskSnapshot(fields)
  return { entity: 'task', id: String(current.id), current, previous: undefined }
}

export const change = (field: string, from: string, to: string, userId: string, at = '2026-12-10T11:00:00+03:00'): TaskHistoryEntry => ({ field, from, to, userId, at })
export const created: TaskHistoryEntry = { field: 'NEW', from: '', to: '', userId: '1', at: '2026-12-10T10:00:00+03:00' }
