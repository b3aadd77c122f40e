// Tasks as tasks.task.* returns them: camelCase keys, string values, UPPER_CASE names in and camelCase out.
import type { PortalState } from '../state.js'
import type { Row } from '../store.js'
import { phpArray } from '../util.js'
import { fullName } from './directory.js'

/** `RESPONSIBLE_ID` → `responsibleId`, `UF_CRM_TASK` → `ufCrmTask`. */
export function camel(upper: string): string {
  return upper.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** `responsibleId` → `RESPONSIBLE_ID` (history field names). */
export function upper(camelName: string): string {
  return camelName.replace(/([A-Z])/g, '_$1').toUpperCase()
}

/** A new task's stored fields, in the order of the tasks.task.add example (tasks-task-add.md). */
export const TASK_SHAPE: Row = {
  id: null, parentId: null, title: '', description: '', mark: null, priority: '1', multitask: 'N', notViewed: 'N',
  replicate: 'N', stageId: '0', createdBy: null, createdDate: null, responsibleId: null, changedBy: null,
  changedDate: null, statusChangedBy: null, closedBy: null, closedDate: null, activityDate: null, dateStart: null,
  deadline: null, startDatePlan: null, endDatePlan: null, guid: null, xmlId: null, commentsCount: null,
  serviceCommentsCount: null, allowChangeDeadline: 'N', allowTimeTracking: 'N', taskControl: 'N', addInReport: 'N',
  forkedByTemplateId: null, timeEstimate: '0', timeSpentInLogs: null, matchWorkTime: 'N', forumTopicId: null,
  forumId: null, siteId: 's1', subordinate: 'N', exchangeModified: null, exchangeId: null, outlookVersion: '1',
  viewedDate: null, sorting: null, durationFact: null, isMuted: 'N', isPinned: 'N', isPinnedInGroup: 'N', flowId: null,
  descriptionInBbcode: 'Y', status: '2', statusChangedDate: null, durationPlan: null, durationType: 'days',
  favorite: 'N', groupId: '0', auditors: [], accomplices: [],
}

/** UF fields returned only when one of them is selected; then all three are (tasks/fields.md). */
export const TASK_UF = ['ufCrmTask', 'ufTaskWebdavFiles', 'ufMailMessage']

/** Stored fields a client may write through tasks.task.add/update. */
export const WRITABLE = new Set([
  'title', 'description', 'responsibleId', 'createdBy', 'deadline', 'accomplices', 'auditors', 'status', 'priority',
  'groupId', 'parentId', 'startDatePlan', 'endDatePlan', 'allowChangeDeadline', 'allowTimeTracking', 'taskControl',
  'matchWorkTime', 'addInReport', 'descriptionInBbcode', 'timeEstimate', 'mark', 'stageId', 'dateStart',
  'ufCrmTask', 'ufTaskWebdavFiles', 'ufMailMessage',
])

function userCard(state: PortalState, id: unknown): Row {
  const row = state.store.users.get(Number(id))
  return {
    id: String(id ?? ''),
    name: fullName(state, Number(id)),
    link: `/company/personal/user/${String(id ?? '')}/`,
    icon: '/bitrix/images/tasks/default_avatar.png',
    workPosition: row === undefined ? '' : String(row.WORK_POSITION ?? ''),
  }
}

function userCards(state: PortalState, ids: unknown): unknown {
  const map: Row = {}
  for (const id of Array.isArray(ids) ? ids : []) map[String(id)] = userCard(state, id)
  return phpArray(map)
}

/** The whole task as tasks.task.get shows it, with the people cards; `withUf` adds the three UF fields. */
export function taskView(state: PortalState, row: Row, withUf: boolean): Row {
  const out: Row = {}
  for (const [key, value] of Object.entries(row)) {
    if (!withUf && (TASK_UF.includes(key) || key.startsWith('uf'))) continue
    out[key] = value
  }
  Object.assign(out, {
    checklist: [],
    group: [],
    creator: userCard(state, row.createdBy),
    responsible: userCard(state, row.responsibleId),
    accomplicesData: userCards(state, row.accomplices),
    auditorsData: userCards(state, row.auditors),
    newCommentsCount: 0,
    subStatus: row.status,
  })
  return out
}

/** A task reduced to an UPPER_CASE select (`ID` is always there, as the list example shows). */
export function selectTask(state: PortalState, row: Row, select: string[]): Row {
  if (select.length === 0 || select.includes('*')) return taskView(state, row, select.some((s) => s.startsWith('UF_')))
  const wanted = new Set(select.map((s) => (s.toUpperCase() === 'REAL_STATUS' ? 'status' : camel(s))))
  if ([...wanted].some((k) => TASK_UF.includes(k))) TASK_UF.forEach((k) => wanted.add(k))
  const out: Row = { id: row.id }
  for (const key of wanted) {
    if (key === 'id') continue
    if (key in row) out[key] = row[key]
    else if (key === 'subStatus') out[key] = row.status
  }
  return out
}
