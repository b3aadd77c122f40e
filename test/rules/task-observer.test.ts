// TASK-OBSERVER, pure: an observer only after delegating the task; the creator is told once per task.
import { describe, expect, it } from 'vitest'
import { taskObserver } from '../../rules/task-observer.js'
import { change, context, created, task } from './task-fixtures.js'

// Анна (5) delegated the task to Пётр (6) and stayed on as an observer.
const delegated = [created, change('RESPONSIBLE_ID', '5', '6', '5'), change('AUDITORS', '', '5', '5')]

describe('TASK-OBSERVER', () => {
  it.each([
    ['the former responsible kept as observer after a delegation', { responsibleId: '6', auditors: ['5'], history: delegated }, {}, []],
    ['an observer never responsible', { auditors: ['7'] }, {}, ['Игорь Ёлкин']],
    ['a delegation, then a stranger added too', { responsibleId: '6', auditors: ['5', '7'], history: [...delegated, change('AUDITORS', '5', '5,7', '1')] }, {}, ['Игорь Ёлкин']],
    ['two strangers: one finding naming both', { auditors: ['6', '7'] }, {}, ['Пётр Сидоров, Игорь Ёлкин']],
    ['the creator observing their own task', { auditors: ['1'] }, {}, []],
    ['the creator observing, creatorMayObserve false', { auditors: ['1'] }, { creatorMayObserve: false }, ['Светлана Руководова']],
    ['a secretary allowed to observe everything', { auditors: ['3'] }, { allowed: ['3'] }, []],
    ['an observer the directory does not know', { auditors: ['42'] }, {}, ['#42']],
    ['the first responsible named in the creation entry', { responsibleId: '6', auditors: ['7'], history: [{ ...created, to: '7' }] }, {}, []],
    ['no observers', { auditors: [] }, {}, []],
    ['a completed task', { status: '5', auditors: ['7'] }, {}, []],
  ])('%s', (_case, fields, settings, named) => {
    const findings = taskObserver.check(task(fields), context('TASK-OBSERVER', settings))
    expect(findings.map((finding) => finding.problem.ru.match(/^Наблюдател[ьи] (.+?) в задаче/)?.[1])).toEqual(named)
    for (const finding of findings) expect(finding).toMatchObject({ ruleId: 'TASK-OBSERVER', variant: '', recipients: ['1'] })
  })

  it('tells the creator what is wrong and what to do, in words', () => {
    const [finding] = taskObserver.check(task({ auditors: ['7'] }), context('TASK-OBSERVER'))
    expect(finding?.responsibleId).toBe('5')
    expect(finding?.problem.ru).toBe(
      'Наблюдатель Игорь Ёлкин в задаче «Подготовить КП для ООО «Вектор»» не был ответственным за неё. Роль «Наблюдатель» — только после делегирования: был ответственным, делегировал задачу, стал наблюдателем.',
    )
    expect(finding?.todo.ru).toBe('Уберите из наблюдателей: Игорь Ёлкин. Если от них нужна работа — сделайте соисполнителями и опишите их часть.')
  })

  it('without the portal history it cannot decide — only when there is an observer to judge', () => {
    const [finding] = taskObserver.check(task({ auditors: ['5'], history: undefined }), context('TASK-OBSERVER'))
    expect(finding?.undecided?.ru).toBe('Неизвестно, были ли наблюдатели ответственными: портал не отдал историю задачи.')
    expect(taskObserver.check(task({ auditors: [], history: undefined }), context('TASK-OBSERVER'))).toEqual([])
    expect(taskObserver.check(task({ auditors: ['1'], history: undefined }), context('TASK-OBSERVER'))).toEqual([])
  })
})
