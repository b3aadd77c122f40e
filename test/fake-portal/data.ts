// FakeData: change and read portal records as a portal user would in the UI; changes fire events like REST ones.
import { activityView, bindActivity, createActivity, deleteActivity, updateActivity } from './domain/activity.js'
import { createCrm, deleteCrm, updateCrm } from './domain/crm.js'
import { addDepartment, addUser, updateDepartment, updateUser, userView } from './domain/directory.js'
import { accessTo } from './domain/disk.js'
import { taskView } from './domain/task-shape.js'
import { runRobot, type RunRobotOptions } from './domain/robots.js'
import { addTaskComment, createTask, deleteTask, findTask, updateTask } from './domain/tasks.js'
import type { Outgoing } from './http.js'
import type { Actor, PortalState } from './state.js'
import { Table, type CrmKind, type Row } from './store.js'
import type {
  ActOptions, FakeFile, FakeFolder, FakeNotification, FakeReply, FakeRight, FakeRobot, FakeRobotAnswer, FakeRobotRun, FakeTimelineComment, Fields,
} from './types.js'

type Id = string | number

/** CRUD of one record kind; ids come back as strings, records as the REST get method returns them. */
export interface RecordHelpers {
  add(fields: Fields, o?: ActOptions): string
  update(id: Id, fields: Fields, o?: ActOptions): void
  remove(id: Id, o?: ActOptions): void
  get(id: Id): Row | undefined
}

/** Typed helpers to change the portal as its people (or automation rules) would. */
export interface FakeData {
  addLead(fields: Fields, o?: ActOptions): string
  updateLead(id: Id, fields: Fields, o?: ActOptions): void
  deleteLead(id: Id, o?: ActOptions): void
  lead(id: Id): Row | undefined
  addDeal(fields: Fields, o?: ActOptions): string
  updateDeal(id: Id, fields: Fields, o?: ActOptions): void
  deleteDeal(id: Id, o?: ActOptions): void
  deal(id: Id): Row | undefined
  /** Moves a deal to another pipeline as crm.item.update does: fires ONCRMDEALMOVETOCATEGORY only. */
  moveDealToCategory(id: Id, categoryId: number, o?: ActOptions & { stageId?: string }): void
  addCompany(fields: Fields, o?: ActOptions): string
  updateCompany(id: Id, fields: Fields, o?: ActOptions): void
  deleteCompany(id: Id, o?: ActOptions): void
  company(id: Id): Row | undefined
  addContact(fields: Fields, o?: ActOptions): string
  updateContact(id: Id, fields: Fields, o?: ActOptions): void
  deleteContact(id: Id, o?: ActOptions): void
  contact(id: Id): Row | undefined
  addActivity(fields: Fields, o?: ActOptions): string
  updateActivity(id: Id, fields: Fields, o?: ActOptions): void
  deleteActivity(id: Id, o?: ActOptions): void
  activity(id: Id): Row | undefined
  /** Binds an activity to one more record as crm.activity.binding.add does (a call from the contact's card bound to a deal). */
  bindActivity(id: Id, entityTypeId: number, entityId: Id): void
  /** UPPER_CASE fields in, like tasks.task.add. */
  addTask(fields: Fields, o?: ActOptions): string
  updateTask(id: Id, fields: Fields, o?: ActOptions): void
  deleteTask(id: Id, o?: ActOptions): void
  /** camelCase as tasks.task.get returns it, plus ufCrmTask/ufTaskWebdavFiles/ufMailMessage. */
  task(id: Id): Row | undefined
  addTaskComment(taskId: Id, text: string, byUserId?: number): string
  taskComments(taskId: Id): Row[]
  readonly notifications: ReadonlyArray<FakeNotification>
  readonly timelineComments: ReadonlyArray<FakeTimelineComment>
  readonly files: ReadonlyArray<FakeFile>
  /** The folders made in the app storage's root (disk.storage.addfolder). */
  readonly folders: ReadonlyArray<FakeFolder>
  /** Every right that reaches a file: its own, then its folder's. */
  accessTo(file: FakeFile): FakeRight[]
  addUser(fields: Fields): string
  updateUser(id: Id, fields: Fields): void
  user(id: Id): Row | undefined
  addDepartment(fields: Fields): string
  updateDepartment(id: Id, fields: Fields): void
  department(id: Id): Row | undefined
  /** Adds a smart-process item of type `entityTypeId` (camelCase fields: title, assignedById, stageId…); returns its id. */
  addSmartItem(entityTypeId: number, fields: Fields): string
  /** Removes a smart-process item (it is gone for crm.item.get). */
  deleteSmartItem(entityTypeId: number, id: Id): void
  /** The app's registered robots (bizproc.robot.add), in registration order. */
  readonly robots: ReadonlyArray<FakeRobot>
  /**
   * Runs a robot on a document (`LEAD_1505`, `DEAL_17`, `DYNAMIC_1032_4`) as the portal's automation does: the captured
   * body shape POSTed form-encoded to its HANDLER; resolves with the app's reply and the run (its event_token, answers).
   */
  runRobot(code: string, documentId: string, properties?: Record<string, unknown>, o?: RunRobotOptions): Promise<{ reply: FakeReply; run: FakeRobotRun }>
  /** Every accepted bizproc.event.send, oldest first. */
  readonly robotAnswers: ReadonlyArray<FakeRobotAnswer>
}

function actor(o?: ActOptions): Actor {
  return o?.byRobot === true ? { userId: o.byUserId ?? 1, robot: true } : { userId: o?.byUserId ?? 1 }
}

const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : structuredClone(value))

function crmHelpers(state: PortalState, kind: CrmKind): RecordHelpers {
  return {
    add: (fields, o) => String(createCrm(state, kind, fields, actor(o))),
    update: (id, fields, o) => void updateCrm(state, kind, Number(id), fields, actor(o)),
    remove: (id, o) => deleteCrm(state, kind, Number(id), actor(o)),
    get: (id) => copy(state.store.crm[kind].get(Number(id))),
  }
}

/** Builds the data helpers over a portal's state. */
export function createFakeData(state: PortalState, out: Outgoing): FakeData {
  const lead = crmHelpers(state, 'lead')
  const deal = crmHelpers(state, 'deal')
  const company = crmHelpers(state, 'company')
  const contact = crmHelpers(state, 'contact')
  return {
    addLead: lead.add, updateLead: lead.update, deleteLead: lead.remove, lead: lead.get,
    addDeal: deal.add, updateDeal: deal.update, deleteDeal: deal.remove, deal: deal.get,
    moveDealToCategory: (id, categoryId, o) => {
      const fields: Fields = { CATEGORY_ID: categoryId }
      if (o?.stageId !== undefined) fields.STAGE_ID = o.stageId
      updateCrm(state, 'deal', Number(id), fields, actor(o), true)
    },
    addCompany: company.add, updateCompany: company.update, deleteCompany: company.remove, company: company.get,
    addContact: contact.add, updateContact: contact.update, deleteContact: contact.remove, contact: contact.get,
    addActivity: (fields, o) => String(createActivity(state, fields, actor(o))),
    updateActivity: (id, fields, o) => updateActivity(state, Number(id), fields, actor(o)),
    deleteActivity: (id, o) => deleteActivity(state, Number(id), actor(o)),
    bindActivity: (id, entityTypeId, entityId) => bindActivity(state, Number(id), { entityTypeId, entityId: Number(entityId) }),
    activity: (id) => {
      const row = state.store.activities.get(Number(id))
      return row === undefined ? undefined : structuredClone(activityView(row))
    },
    addTask: (fields, o) => String(createTask(state, fields, actor(o))),
    updateTask: (id, fields, o) => updateTask(state, Number(id), fields, actor(o)),
    deleteTask: (id, o) => deleteTask(state, Number(id), actor(o)),
    task: (id) => {
      const row = findTask(state, Number(id))
      return row === null ? undefined : structuredClone(taskView(state, row, true))
    },
    addTaskComment: (taskId, text, byUserId = 1) => String(addTaskComment(state, Number(taskId), text, byUserId, { userId: byUserId })),
    taskComments: (taskId) => state.store.taskComments.all().filter((c) => c.TASK_ID === Number(taskId)).map((c) => structuredClone(c)),
    get notifications() { return state.store.notifications },
    get timelineComments() { return state.store.timeline },
    get files() { return state.store.files },
    get folders() { return state.store.folders },
    accessTo: (file) => accessTo(state, file),
    addUser: (fields) => String(addUser(state, fields)),
    updateUser: (id, fields) => updateUser(state, Number(id), fields),
    user: (id) => {
      const row = state.store.users.get(Number(id))
      return row === undefined ? undefined : structuredClone(userView(row))
    },
    addDepartment: (fields) => String(addDepartment(state, fields)),
    updateDepartment: (id, fields) => updateDepartment(state, Number(id), fields),
    department: (id) => copy(state.store.departments.get(Number(id))),
    addSmartItem: (entityTypeId, fields) => {
      const table = state.store.smartItems.get(entityTypeId) ?? new Table()
      state.store.smartItems.set(entityTypeId, table)
      const id = table.nextId()
      const at = new Date(state.now()).toISOString()
      table.put(id, { id, entityTypeId, title: '', assignedById: 1, createdBy: 1, createdTime: at, updatedTime: at, ...fields })
      return String(id)
    },
    deleteSmartItem: (entityTypeId, id) => void state.store.smartItems.get(entityTypeId)?.delete(Number(id)),
    get robots() { return [...state.robots.values()] },
    runRobot: (code, documentId, properties = {}, o) => runRobot(state, out, code, documentId, properties, o),
    get robotAnswers() { return state.robotAnswers },
  }
}
