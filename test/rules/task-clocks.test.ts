// The task deadlines, pure: TASK-FEEDBACK-SLA (an answer within a day of getting the task) and TASK-OVERDUE.
import { describe, expect, it } from 'vitest'
import { taskFeedbackSla } from '../../rules/task-feedback-sla.js'
import { taskOverdue } from '../../rules/task-overdue.js'
import type { RecordInput, Snapshot, TaskHistoryEntry } from '../../rules/types.js'
import { ruleContext } from './context.js'

const NOW = new Date('2026-12-08T12:00:00+03:00')

const context = <K extends 'TASK-FEEDBACK-SLA' | 'TASK-OVERDUE'>(id: K, overrides: Record<string, unknown> = {}) => ruleContext(id, overrides, { now: NOW })
const entry = (field: string, userId: string, at: string, from = '', to = ''): TaskHistoryEntry => ({ field, from, to, userId, at })
const created = entry('NEW', '4', '2026-12-07T10:00:00+03:00')
const task = (fields: Snapshot = {}): RecordInput => ({
  entity: 'task', id: '301',
  current: {
    id: '301', title: 'РЗ Подготовить договор с ООО «Вектор»', status: '2', responsibleId: '5', createdBy: '4',
    createdDate: '2026-12-07T10:00:00+03:00', deadline: '2026-12-09T18:00:00+03:00', history: [created], ...fields,
  },
  previous: undefined,
})

describe('TASK-FEEDBACK-SLA', () => {
  it('a task nobody answered owes an answer a day after it was set, per responsible', () => {
    const [finding] = taskFeedbackSla.check(task(), context('TASK-FEEDBACK-SLA'))
    expect(finding).toMatchObject({ variant: 'to:5', responsibleId: '5', clock: { startedAt: '2026-12-07T10:00:00+03:00', within: { days: 0, ms: 86_400_000 }, basis: '24/7' } })
    expect(finding?.problem.ru).toBe('Ответственный не ответил по задаче: ни комментария, ни начала работы — прошло 1 дн 2 ч (норма — 1 дн 0 ч).')
  })

  it.each([
    ['a comment by the responsible', [created, entry('COMMENT', '5', '2026-12-07T11:00:00+03:00', '', '17')], '2'],
    ['the responsible started it', [created, entry('STATUS', '5', '2026-12-07T11:00:00+03:00', '2', '3')], '3'],
    ['the responsible finished it', [created, entry('STATUS', '5', '2026-12-07T11:00:00+03:00', '2', '5')], '5'],
  ])('%s: answered', (_, history, status) => {
    expect(taskFeedbackSla.check(task({ history, status }), context('TASK-FEEDBACK-SLA'))).toEqual([])
  })

  it.each([
    ['a comment by someone else', [created, entry('COMMENT', '4', '2026-12-07T11:00:00+03:00', '', '17')]],
    ['started by the creator', [created, entry('STATUS', '4', '2026-12-07T11:00:00+03:00', '2', '3')]],
  ])('%s: not an answer', (_, history) => {
    expect(taskFeedbackSla.check(task({ history }), context('TASK-FEEDBACK-SLA'))).toHaveLength(1)
  })

  it('a reassignment starts the time again, and an answer before it does not count for the new responsible', () => {
    const history = [created, entry('COMMENT', '5', '2026-12-07T11:00:00+03:00'), entry('RESPONSIBLE_ID', '4', '2026-12-08T09:00:00+03:00', '5', '6')]
    const [finding] = taskFeedbackSla.check(task({ responsibleId: '6', history }), context('TASK-FEEDBACK-SLA'))
    expect(finding).toMatchObject({ variant: 'to:6', clock: { startedAt: '2026-12-08T09:00:00+03:00' } })
  })

  it('a task one sets oneself, a completed or a declined task owes nothing', () => {
    expect(taskFeedbackSla.check(task({ createdBy: '5' }), context('TASK-FEEDBACK-SLA'))).toEqual([])
    expect(taskFeedbackSla.check(task({ status: '5' }), context('TASK-FEEDBACK-SLA'))).toEqual([])
    expect(taskFeedbackSla.check(task({ status: '7' }), context('TASK-FEEDBACK-SLA'))).toEqual([])
  })

  it('without the history it cannot decide, unless the status already answers', () => {
    const [finding] = taskFeedbackSla.check(task({ history: undefined }), context('TASK-FEEDBACK-SLA'))
    expect(finding?.undecided?.ru).toBe('История задачи не прочитана: неизвестно, отвечал ли ответственный.')
    expect(taskFeedbackSla.check(task({ history: undefined, status: '3' }), context('TASK-FEEDBACK-SLA'))).toEqual([])
  })
})

describe('TASK-OVERDUE', () => {
  it('an open task with a deadline keeps a clock that falls due at the deadline itself, the supervisor a day later', () => {
    const [finding] = taskOverdue.check(task(), context('TASK-OVERDUE'))
    expect(finding).toMatchObject({ variant: 'due:2026-12-09T15:00:00.000Z', clock: { startedAt: '2026-12-09T15:00:00.000Z', within: { days: 0, ms: 0 }, escalate: [{ days: 1, ms: 0 }] } })
  })

  it('past the deadline it says by how much', () => {
    const [finding] = taskOverdue.check(task({ deadline: '2026-12-08T09:30:00+03:00' }), context('TASK-OVERDUE'))
    expect(finding?.problem.ru).toBe('Задача просрочена на 2 ч 30 мин.')
  })

  it('no deadline, completed or declined: nothing is owed', () => {
    for (const fields of [{ deadline: '' }, { deadline: null }, { status: '5' }, { status: '7' }]) {
      expect(taskOverdue.check(task(fields), context('TASK-OVERDUE'))).toEqual([])
    }
  })
})
