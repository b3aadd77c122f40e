// Keeps each portal's copy of its users, departments and lead statuses current enough to name a supervisor and a first status.
import type { Logger } from 'pino'
import type { Directory, DirectoryDepartment, DirectoryUser } from '../../rules/directory.js'
import type { LeadStatus } from '../../rules/lead-statuses.js'
import { B24Error, type PortalClient, type PortalClients } from '../b24/index.js'
import type { StorePort } from '../store/port.js'
import { OncePerPortal } from './once-per-portal.js'
import { errorMessage } from '../shared/errors.js'
import { isRecord } from '../shared/records.js'

/** How old a directory may get before ensureFresh reads it again: a day. */
export const DIRECTORY_MAX_AGE_MS = 24 * 60 * 60 * 1000
/** The shortest time between two refreshes caused by unknown user ids, and between retries after a failure. */
export const DIRECTORY_COOLDOWN_MS = 10 * 60 * 1000

/** What one refresh did: the counts it stored, or the error that left the old directory in place. */
export type RefreshResult = { ok: true; users: number; departments: number } | { ok: false; error: string }

/** What DirectorySync needs. */
export interface DirectorySyncDeps {
  store: StorePort
  clients: PortalClients
  logger: Logger
  now: () => Date
}

/** Reads portals' users and departments into the store; never two refreshes of one portal at once, never throws. */
export class DirectorySync {
  readonly #runs = new OncePerPortal<RefreshResult>((memberId) => this.#refresh(memberId))
  readonly #missRefreshAt = new Map<string, number>()
  readonly #failedAt = new Map<string, number>()
  readonly #deps: DirectorySyncDeps
  readonly #now: () => Date

  constructor(deps: DirectorySyncDeps) {
    this.#deps = deps
    this.#now = deps.now
  }

  /** Reads every user and department of the portal and replaces its directory (joining a refresh already under way); on failure the old directory stays. */
  refresh(memberId: string): Promise<RefreshResult> {
    return this.#runs.run(memberId)
  }

  /** The portal's directory, refreshed first when it is older than `maxAgeMs` or was never read (not retried within the cooldown after a failure). */
  async ensureFresh(memberId: string, maxAgeMs = DIRECTORY_MAX_AGE_MS): Promise<Directory> {
    const now = this.#now().getTime()
    const syncedAt = await this.#deps.store.directory.syncedAt(memberId)
    const stale = syncedAt === undefined || now - syncedAt.getTime() >= maxAgeMs
    const failedAt = this.#failedAt.get(memberId)
    const coolingDown = failedAt !== undefined && now - failedAt < DIRECTORY_COOLDOWN_MS
    if (stale && !coolingDown) await this.refresh(memberId)
    return this.#deps.store.directory.load(memberId)
  }

  /** The portal's directory after looking for `userId` in the portal if it was missing; at most one such refresh per portal per cooldown. */
  async onMiss(memberId: string, userId: string): Promise<Directory> {
    // A refresh under way may bring the user without another call.
    await this.#runs.current(memberId)
    const directory = await this.#deps.store.directory.load(memberId)
    if (directory.users.has(userId)) return directory
    const now = this.#now().getTime()
    const last = this.#missRefreshAt.get(memberId)
    if (last !== undefined && now - last < DIRECTORY_COOLDOWN_MS) return directory
    this.#missRefreshAt.set(memberId, now)
    await this.refresh(memberId)
    return this.#deps.store.directory.load(memberId)
  }

  /** Resolves when no refresh is running. */
  async idle(): Promise<void> {
    await this.#runs.idle()
  }

  async #refresh(memberId: string): Promise<RefreshResult> {
    const { store, clients, logger } = this.#deps
    try {
      const client = await clients.get(memberId)
      // ADMIN_MODE lets an administrator's token see every user; without an ACTIVE filter dismissed users come too (user-get.md).
      const users = uniqueById((await readAll(client, 'user.get', { ADMIN_MODE: true, sort: 'ID', order: 'ASC' })).flatMap(toUser))
      const departments = uniqueById((await readAll(client, 'department.get', {})).flatMap(toDepartment))
      // Every reference list at once: the lead statuses (which one a new lead starts in is the portal's choice,
      // crm-status-list.md, not always NEW) and the deal stages of every pipeline, which the reports name.
      const lists = await readAll(client, 'crm.status.list', { order: { SORT: 'ASC' } })
      const statuses = uniqueBy(lists.flatMap(toLeadStatus), (s) => s.statusId)
      const names = {
        statuses: new Map(lists.flatMap((item) => nameIn(item, /^STATUS$/))), stages: new Map(lists.flatMap((item) => nameIn(item, /^DEAL_STAGE(_\d+)?$/))),
        pipelines: await pipelineNames(client, logger, memberId),
      }
      await store.replaceDirectory(memberId, { users, departments, leadStatuses: statuses, crmNames: names, at: this.#now() })
      this.#failedAt.delete(memberId)
      return { ok: true, users: users.length, departments: departments.length }
    } catch (caught) {
      const error = errorMessage(caught)
      this.#failedAt.set(memberId, this.#now().getTime())
      logger.warn({ memberId, error }, 'directory refresh failed; keeping the old directory')
      await store.journal.append(memberId, 'directory.refresh_failed', { error })
      return { ok: false, error }
    }
  }
}

type Item = Record<string, unknown>

// user.get and department.get take neither an order object nor ">ID" (department.get has no filter at all:
// department-get.md), so the client's keyset list does not fit; they page by `start`. Users are sorted by ID so
// that users added meanwhile land on later pages; department.get gets no `sort`, because its `SORT` filter
// (the department's sort index) has the same name in another case and `sort: 'ID'` risks filtering everything out.
async function readAll(client: PortalClient, method: string, params: Item): Promise<Item[]> {
  const items: Item[] = []
  let start = 0
  for (;;) {
    const page = await client.callPage<unknown>(method, { ...params, start })
    if (!Array.isArray(page.result)) {
      throw new B24Error({ method, code: 'UNEXPECTED_ANSWER', description: 'the list answer is not an array', httpStatus: 200 })
    }
    for (const item of page.result) if (isRecord(item)) items.push(item as Item)
    if (page.next === undefined || page.next <= start) return items
    start = page.next
  }
}

// Offset pages can overlap when the portal changes between two of them; the later copy wins.
function uniqueBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item] as const)).values()]
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  return uniqueBy(items, (item) => item.id)
}

function idOf(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const id = String(value).trim()
  // "0" and "" mean "none" in Bitrix24 id fields.
  if (id === '' || id === '0') return null
  return id
}

function toUser(item: Item): DirectoryUser[] {
  const id = idOf(item.ID)
  if (id === null) return []
  const name = [item.NAME, item.LAST_NAME].filter((part) => typeof part === 'string' && part.trim() !== '').map((part) => String(part).trim()).join(' ')
  const active = item.ACTIVE === true || item.ACTIVE === 'Y' || item.ACTIVE === 'true'
  const raw = Array.isArray(item.UF_DEPARTMENT) ? item.UF_DEPARTMENT : [item.UF_DEPARTMENT]
  const departments = raw.map(idOf).filter((d): d is string => d !== null)
  return [{ id, name, active, departments }]
}

function toDepartment(item: Item): DirectoryDepartment[] {
  const id = idOf(item.ID)
  if (id === null) return []
  const name = typeof item.NAME === 'string' ? item.NAME : ''
  return [{ id, name, parentId: idOf(item.PARENT), headId: idOf(item.UF_HEAD) }]
}

// A status's id and name when its list is one of `entities`: STATUS for leads, DEAL_STAGE (the general pipeline) or
// DEAL_STAGE_<N> for deals (crm-status-list.md).
function nameIn(item: Item, entities: RegExp): Array<[string, string]> {
  const statusId = typeof item.STATUS_ID === 'string' ? item.STATUS_ID.trim() : ''
  if (statusId === '' || !entities.test(String(item.ENTITY_ID ?? '')) || typeof item.NAME !== 'string') return []
  return [[statusId, item.NAME]]
}

// The deal pipelines' names (crm.category.list, entityTypeId 2, answers {categories: [{id, name}]}). Only the reports
// need them: a portal that refuses leaves the pipelines numbered rather than failing the directory.
async function pipelineNames(client: PortalClient, logger: Logger, memberId: string): Promise<Map<string, string>> {
  try {
    const answer = await client.call<{ categories?: unknown }>('crm.category.list', { entityTypeId: 2 })
    const categories = Array.isArray(answer.categories) ? (answer.categories as Item[]) : []
    return new Map(categories.filter((c) => c.id !== undefined && typeof c.name === 'string').map((c) => [String(c.id), String(c.name)]))
  } catch (error) {
    logger.warn({ memberId, error: errorMessage(error) }, 'pipeline names not read; the reports number them')
    return new Map()
  }
}

// SEMANTICS: "S" converted, "F" junk, empty for a working status (crm-status-list.md).
function toLeadStatus(item: Item): LeadStatus[] {
  const statusId = typeof item.STATUS_ID === 'string' ? item.STATUS_ID.trim() : ''
  if (statusId === '' || item.ENTITY_ID !== 'STATUS') return []
  const sort = Number(item.SORT)
  const semantics = item.SEMANTICS === 'S' || item.SEMANTICS === 'F' ? item.SEMANTICS : null
  return [{ statusId, sort: Number.isFinite(sort) ? sort : 0, semantics }]
}
