// Who is a user's supervisor: one row a case over a small company with the usual gaps of real portals.
import { describe, expect, it } from 'vitest'
import { type Directory, type DirectoryDepartment, type DirectoryUser, supervisorOf, userName } from '../../rules/directory.js'

const users: DirectoryUser[] = [
  { id: '2', name: 'Игорь Волков', active: true, departments: ['1'] },
  { id: '3', name: 'Ольга Кузнецова', active: true, departments: ['2'] },
  { id: '4', name: 'Дмитрий Соколов', active: true, departments: ['3'] },
  { id: '5', name: 'Анна Морозова', active: true, departments: ['3', '5'] },
  { id: '8', name: 'Мария Фёдорова', active: true, departments: ['2'] },
  { id: '9', name: 'Сергей Павлов', active: true, departments: ['4'] },
  { id: '10', name: 'Николай Орлов', active: false, departments: ['5'] },
  { id: '11', name: 'Татьяна Белова', active: true, departments: ['5'] },
  { id: '12', name: 'Вера Зайцева', active: true, departments: ['6'] },
  { id: '13', name: 'Олег Никитин', active: true, departments: [] },
  { id: '14', name: 'Елена Васильева', active: true, departments: ['9'] },
  { id: '15', name: '', active: true, departments: ['1'] },
]

const departments: DirectoryDepartment[] = [
  { id: '1', name: 'ООО «Вектор»', parentId: null, headId: '2' },
  { id: '2', name: 'Коммерческая служба', parentId: '1', headId: '3' },
  { id: '3', name: 'Отдел продаж', parentId: '2', headId: '4' },
  { id: '4', name: 'Склад', parentId: '2', headId: null },
  { id: '5', name: 'Бухгалтерия', parentId: '1', headId: '10' },
  // A broken structure: 6 and 7 are each other's parent and have no head.
  { id: '6', name: 'Проектный офис', parentId: '7', headId: null },
  { id: '7', name: 'Дирекция проектов', parentId: '6', headId: null },
]

const directory: Directory = {
  users: new Map(users.map((u) => [u.id, u])),
  departments: new Map(departments.map((d) => [d.id, d])),
}

// [case, user id, overrides, expected supervisor]
const CASES: Array<[string, string, Record<string, string>, string | undefined]> = [
  ['plain employee: the head of her department', '5', {}, '4'],
  ['employee of the root department: its head', '15', {}, '2'],
  ['office manager in the commercial service: its head', '8', {}, '3'],
  ['head of the sales department: the head of the parent', '4', {}, '3'],
  ['commercial director: the CEO', '3', {}, '2'],
  ['head of the root: nobody above', '2', {}, undefined],
  ['override wins over the structure', '5', { '5': '2' }, '2'],
  ['override for someone else changes nothing', '5', { '4': '2' }, '4'],
  ['override for the head of the root', '2', { '2': '3' }, '3'],
  ['department without a head: the next head up', '9', {}, '3'],
  ['inactive head is skipped: the head above', '11', {}, '2'],
  ['the inactive head themself: the head above', '10', {}, '2'],
  ['unknown user', '99', {}, undefined],
  ['user without a department', '13', {}, undefined],
  ['department the directory does not know', '14', {}, undefined],
  ['cycle of departments without heads ends', '12', {}, undefined],
]

describe('supervisorOf', () => {
  it.each(CASES)('%s', (_case, userId, overrides, expected) => {
    expect(supervisorOf(directory, userId, overrides)).toBe(expected)
  })

  it('a head the directory does not know yet still counts', () => {
    const withStranger: Directory = {
      users: directory.users,
      departments: new Map([...directory.departments, ['4', { id: '4', name: 'Склад', parentId: '2', headId: '77' }]]),
    }
    expect(supervisorOf(withStranger, '9', {})).toBe('77')
  })

  it('an override of an inherited key is not an override', () => {
    expect(supervisorOf(directory, 'constructor', {})).toBeUndefined()
  })
})

describe('userName', () => {
  it.each([
    ['5', 'Анна Морозова'],
    ['15', '#15'],
    ['99', '#99'],
  ])('%s → %s', (id, expected) => {
    expect(userName(directory, id)).toBe(expected)
  })
})
