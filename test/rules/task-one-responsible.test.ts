// TASK-ONE-RESPONSIBLE, pure: one task set for several responsibles is told once; every co-executor's part is described.
import { describe, expect, it } from 'vitest'
import { namesUser, taskOneResponsible } from '../../rules/task-one-responsible.js'
import type { Snapshot } from '../../rules/types.js'
import { context, directory, task, taskSnapshot } from './task-fixtures.js'

// Светлана chose three responsibles for «Обзвонить клиентов по акции»: the portal made three tasks within a minute.
const TITLE = 'Обзвонить клиентов по акции «Зима»'
const burst: Snapshot[] = [
  taskSnapshot({ id: '101', title: TITLE, responsibleId: '5', createdDate: '2026-12-10T10:00:00+03:00' }),
  taskSnapshot({ id: '102', title: TITLE, responsibleId: '6', createdDate: '2026-12-10T10:00:20+03:00' }),
  taskSnapshot({ id: '103', title: TITLE, responsibleId: '7', createdDate: '2026-12-10T10:00:40+03:00' }),
]
function checkIn(tasks: Snapshot[], id: string, settings: Record<string, unknown> = {}) {
  const current = tasks.find((snapshot) => snapshot.id === id)!
  const sameTasks = tasks.filter((snapshot) => snapshot.id !== id)
  return taskOneResponsible.check({ entity: 'task', id, current, previous: undefined }, context('TASK-ONE-RESPONSIBLE', settings, { sameTasks }))
}

describe('TASK-ONE-RESPONSIBLE: one task for several responsibles', () => {
  it('three tasks for three responsibles within a minute: one finding on the lowest id, listing all three', () => {
    const findings = checkIn(burst, '101')
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      ruleId: 'TASK-ONE-RESPONSIBLE', variant: 'split', responsibleId: '5', recipients: ['1'],
      related: [{ entity: 'task', id: '102', title: TITLE, responsibleId: null }, { entity: 'task', id: '103', title: TITLE, responsibleId: null }],
    })
    expect(findings[0]?.problem.ru).toBe(`Одна задача — один ответственный: задача «${TITLE}» поставлена 3 исполнителям (Анна Морозова, Пётр Сидоров, Игорь Ёлкин).`)
    expect(findings[0]?.todo.ru).toBe('Оставьте одного ответственного, остальных сделайте соисполнителями и опишите, что делает каждый.')
  })

  it.each(['102', '103'])('task %s of the burst says nothing', (id) => {
    expect(checkIn(burst, id)).toEqual([])
  })

  it.each([
    ['the same title an hour apart: separate tasks', [burst[0]!, { ...burst[1]!, createdDate: '2026-12-10T11:00:00+03:00' }], {}, []],
    ['the same responsible twice within a minute', [burst[0]!, { ...burst[1]!, responsibleId: '5' }], {}, []],
    ['two within the window', [burst[0]!, burst[1]!], {}, ['split']],
    ['a third task three minutes later is not of the burst', [burst[0]!, { ...burst[1]!, createdDate: '2026-12-10T10:01:00+03:00' }, { ...burst[2]!, createdDate: '2026-12-10T10:04:00+03:00' }], {}, ['split']],
    ['a window of a second', burst, { window: 'PT1S' }, []],
  ])('%s', (_case, tasks, settings, variants) => {
    const findings = checkIn(tasks, '101', settings)
    expect(findings.map((finding) => finding.variant)).toEqual(variants)
    if (variants.length > 0) expect(findings[0]?.related?.map((related) => related.id)).toEqual(['102'])
  })

  it('a burst seen from any of its tasks is the same group, whichever comes first in time', () => {
    // The lowest id created last: still the one that tells.
    const shuffled = [{ ...burst[0]!, createdDate: '2026-12-10T10:01:30+03:00' }, burst[1]!, burst[2]!]
    expect(checkIn(shuffled, '101').map((finding) => finding.variant)).toEqual(['split'])
    expect(checkIn(shuffled, '102')).toEqual([])
  })
})

describe('TASK-ONE-RESPONSIBLE: every co-executor has a described part', () => {
  it.each([
    ['named in bold', '[B]Пётр Сидоров[/B] — собрать цены у поставщиков.', ['6'], null],
    ['named in a list, declined', '[LIST][*]Петру — собрать цены у поставщиков[*]Анна — свести в КП[/LIST]', ['6'], null],
    ['mentioned as a user', 'Цены собирает [USER=6]Пётр Сидоров[/USER].', ['6'], null],
    ['mentioned by id only', 'Цены: [USER=6][/USER]', ['6'], null],
    ['by last name, lower case', 'сидорову — согласовать скидку', ['6'], null],
    ['ё written as е', '[I]Игорю Елкину[/I] — проверить остатки на складе', ['7'], null],
    ['not named', '[B]Суть:[/B] коммерческое предложение на 20 ноутбуков.', ['6'], 'соисполнитель Пётр Сидоров'],
    ['two not named', 'Подготовить КП до пятницы.', ['6', '7'], 'каждый из соисполнителей: Пётр Сидоров, Игорь Ёлкин'],
    ['one named, one not', 'Пётр — цены.', ['6', '7'], 'соисполнитель Игорь Ёлкин'],
    ['the responsible listed as co-executor too', 'Подготовить КП.', ['5'], null],
    ['an unknown co-executor beside an unnamed one', 'Подготовить КП.', ['42', '6'], 'соисполнитель Пётр Сидоров'],
    ['an unknown co-executor mentioned by id', 'Проверяет [USER=42]Гость[/USER].', ['42'], null],
  ])('%s', (_case, description, accomplices, named) => {
    const findings = taskOneResponsible.check(task({ description, accomplices }), context('TASK-ONE-RESPONSIBLE'))
    if (named === null) {
      expect(findings).toEqual([])
      return
    }
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ variant: 'parts', recipients: ['1'], responsibleId: '5' })
    expect(findings[0]?.undecided).toBeUndefined()
    expect(findings[0]?.problem.ru).toBe(`В описании задачи «Подготовить КП для ООО «Вектор»» не сказано, что делает ${named}.`)
  })

  // Undecided, when it is the only thing to say; the message agrees in number with the co-executors.
  it.each([
    [['42'], 'Нельзя проверить, описана ли часть соисполнителя #42: его нет в справочнике сотрудников.', 'Whether co-executor #42 has a described part cannot be checked: not in the directory.'],
    [['42', '43'], 'Нельзя проверить, описаны ли части соисполнителей #42, #43: их нет в справочнике сотрудников.', 'Whether co-executors #42, #43 have described parts cannot be checked: they are not in the directory.'],
  ])('unknown co-executors %j cannot be checked', (accomplices, ru, en) => {
    const [finding] = taskOneResponsible.check(task({ description: 'Подготовить КП.', accomplices }), context('TASK-ONE-RESPONSIBLE'))
    expect(finding).toMatchObject({ variant: 'parts', undecided: { ru, en } })
  })

  it('a split burst with an unnamed co-executor: both, on the lowest id', () => {
    const tasks = [{ ...burst[0]!, accomplices: ['3'] }, burst[1]!]
    expect(checkIn(tasks, '101').map((finding) => finding.variant)).toEqual(['split', 'parts'])
  })

  it('a completed task is not checked', () => {
    expect(taskOneResponsible.check(task({ status: '5', accomplices: ['6'] }), context('TASK-ONE-RESPONSIBLE'))).toEqual([])
  })

  it.each([['Анной', '5', true], ['Морозовой', '5', true], ['Аннулировать счёт', '5', false], ['Петрович', '6', false], ['Пётр', '6', true]])('«%s» names user %s: %s', (words, id, named) => {
    expect(namesUser(words, directory, id)).toBe(named)
  })
})
