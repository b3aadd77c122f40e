// The starting company: an administrator, a director, a sales department with its head and managers.
import { addDepartment, addUser, updateDepartment } from './domain/directory.js'
import { seedStatuses } from './domain/statuses.js'
import type { PortalState } from './state.js'

/**
 * Fills the portal. Every portal has its administrator (user 1), a root department, the standard lead
 * statuses and deal stages; `company` adds the people and departments below.
 */
export function seedPortal(state: PortalState, company: boolean): void {
  seedStatuses(state.store)
  const root = addDepartment(state, { NAME: 'ООО «Вектор»', SORT: 500 })
  addUser(state, {
    NAME: 'Алексей', LAST_NAME: 'Смирнов', EMAIL: 'admin@vector.example', WORK_POSITION: 'Администратор портала',
    UF_DEPARTMENT: [root], ADMIN: true, PERSONAL_GENDER: 'M',
  })
  if (!company) return
  const director = addUser(state, {
    NAME: 'Игорь', LAST_NAME: 'Волков', SECOND_NAME: 'Петрович', EMAIL: 'volkov@vector.example',
    WORK_POSITION: 'Генеральный директор', UF_DEPARTMENT: [root], PERSONAL_GENDER: 'M',
  })
  const commercial = addDepartment(state, { NAME: 'Коммерческая служба', PARENT: root, SORT: 500 })
  const sales = addDepartment(state, { NAME: 'Отдел продаж', PARENT: commercial, SORT: 500 })
  const commercialHead = addUser(state, {
    NAME: 'Ольга', LAST_NAME: 'Кузнецова', EMAIL: 'kuznetsova@vector.example', WORK_POSITION: 'Коммерческий директор',
    UF_DEPARTMENT: [commercial], PERSONAL_GENDER: 'F',
  })
  const salesHead = addUser(state, {
    NAME: 'Дмитрий', LAST_NAME: 'Соколов', EMAIL: 'sokolov@vector.example', WORK_POSITION: 'Руководитель отдела продаж',
    UF_DEPARTMENT: [sales], PERSONAL_GENDER: 'M',
  })
  const managers: Array<[string, string, string, string]> = [
    ['Анна', 'Морозова', 'morozova', 'F'],
    ['Павел', 'Лебедев', 'lebedev', 'M'],
    ['Екатерина', 'Новикова', 'novikova', 'F'],
  ]
  for (const [name, lastName, login, gender] of managers) {
    addUser(state, {
      NAME: name, LAST_NAME: lastName, EMAIL: `${login}@vector.example`, WORK_POSITION: 'Менеджер по продажам',
      UF_DEPARTMENT: [sales], PERSONAL_GENDER: gender,
    })
  }
  addUser(state, {
    NAME: 'Мария', LAST_NAME: 'Фёдорова', EMAIL: 'fedorova@vector.example', WORK_POSITION: 'Офис-менеджер',
    UF_DEPARTMENT: [commercial], PERSONAL_GENDER: 'F',
  })
  updateDepartment(state, root, { UF_HEAD: director })
  updateDepartment(state, commercial, { UF_HEAD: commercialHead })
  updateDepartment(state, sales, { UF_HEAD: salesHead })
}
