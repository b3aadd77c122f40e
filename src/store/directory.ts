// Each portal's copy of its users, departments and lead statuses, replaced whole on every directory refresh.
import type { Directory, DirectoryDepartment, DirectoryUser } from '../../rules/directory.js'
import type { LeadStatus } from '../../rules/lead-statuses.js'
import type { Db } from './db.js'
import { ReadMemo } from './read-scope.js'

/** A users row as both stores keep it. */
export interface UserRow { id: string; name: string; active: number; departments: string }
/** A departments row as both stores keep it. */
export interface DepartmentRow { id: string; name: string; parent_id: string | null; head_id: string | null }
/** What the portal calls its lead statuses (STATUS_ID → name), deal stages (STAGE_ID → name) and pipelines (CATEGORY_ID → name). */
export interface CrmNames {
  statuses: Map<string, string>
  stages: Map<string, string>
  pipelines: Map<string, string>
}

/** A lead_statuses row as both stores keep it. */
export interface LeadStatusRow { status_id: string; sort: number; semantics: 'S' | 'F' | null }

/** A users row as the app sees it. */
export function rowToUser(row: UserRow): DirectoryUser {
  return { id: row.id, name: row.name, active: row.active === 1, departments: JSON.parse(row.departments) as string[] }
}

/** A departments row as the app sees it. */
export function rowToDepartment(row: DepartmentRow): DirectoryDepartment {
  return { id: row.id, name: row.name, parentId: row.parent_id, headId: row.head_id }
}

/** A portal's directory from its users and departments rows. */
export function directoryOf(users: readonly UserRow[], departments: readonly DepartmentRow[]): Directory {
  return {
    users: new Map(users.map((row) => [row.id, rowToUser(row)] as const)),
    departments: new Map(departments.map((row) => [row.id, rowToDepartment(row)] as const)),
  }
}

/** A lead_statuses row as the app sees it. */
export function rowToLeadStatus(row: LeadStatusRow): LeadStatus {
  return { statusId: row.status_id, sort: row.sort, semantics: row.semantics }
}

/** A crm_names row as both stores keep it. */
export interface CrmNameRow { kind: 'status' | 'stage' | 'pipeline'; id: string; name: string }

/** The CRM's names from their rows. */
export function crmNamesOf(rows: readonly CrmNameRow[]): CrmNames {
  const names: CrmNames = { statuses: new Map(), stages: new Map(), pipelines: new Map() }
  const lists = { status: names.statuses, stage: names.stages, pipeline: names.pipelines }
  for (const row of rows) lists[row.kind].set(row.id, row.name)
  return names
}

/** The rows of the CRM's names, kind by kind. */
export function crmNameRows(names: CrmNames): CrmNameRow[] {
  const rows = (kind: CrmNameRow['kind'], list: Map<string, string>) => [...list].map(([id, name]) => ({ kind, id, name }))
  return [...rows('status', names.statuses), ...rows('stage', names.stages), ...rows('pipeline', names.pipelines)]
}

/** Reads and replaces a portal's directory. */
export class DirectoryRepo {
  readonly #replace
  readonly #users
  readonly #departments
  readonly #syncedAt
  // Every record decided asks for its portal's sync time and lead statuses: asked once per shared read.
  readonly #syncedAts
  readonly #leadStatuses
  readonly #deletePortal
  readonly #replaceStatuses
  readonly #statuses
  readonly #replaceNames
  readonly #names

  constructor(db: Db, private readonly now: () => Date) {
    const deleteUsers = db.prepare('DELETE FROM users WHERE member_id = ?')
    const deleteDepartments = db.prepare('DELETE FROM departments WHERE member_id = ?')
    const deleteSync = db.prepare('DELETE FROM directory_syncs WHERE member_id = ?')
    const insertUser = db.prepare('INSERT INTO users (member_id, id, name, active, departments) VALUES (?, ?, ?, ?, ?)')
    const insertDepartment = db.prepare('INSERT INTO departments (member_id, id, name, parent_id, head_id) VALUES (?, ?, ?, ?, ?)')
    const saveSync = db.prepare(`
      INSERT INTO directory_syncs (member_id, synced_at) VALUES (?, ?)
      ON CONFLICT (member_id) DO UPDATE SET synced_at = excluded.synced_at`)
    this.#replace = db.transaction(
      (memberId: string, users: readonly DirectoryUser[], departments: readonly DirectoryDepartment[], at: Date) => {
        deleteUsers.run(memberId)
        deleteDepartments.run(memberId)
        for (const u of users) insertUser.run(memberId, u.id, u.name, u.active ? 1 : 0, JSON.stringify(u.departments))
        for (const d of departments) insertDepartment.run(memberId, d.id, d.name, d.parentId, d.headId)
        saveSync.run(memberId, at.toISOString())
      },
    )
    this.#users = db.prepare<[string], UserRow>('SELECT id, name, active, departments FROM users WHERE member_id = ?')
    this.#departments = db.prepare<[string], DepartmentRow>('SELECT id, name, parent_id, head_id FROM departments WHERE member_id = ?')
    this.#syncedAt = db.prepare<[string], { synced_at: string }>('SELECT synced_at FROM directory_syncs WHERE member_id = ?')
    this.#syncedAts = new ReadMemo<Date | undefined>(db)
    this.#leadStatuses = new ReadMemo<LeadStatus[]>(db)
    const deleteStatuses = db.prepare('DELETE FROM lead_statuses WHERE member_id = ?')
    const insertStatus = db.prepare('INSERT INTO lead_statuses (member_id, status_id, sort, semantics) VALUES (?, ?, ?, ?)')
    this.#replaceStatuses = db.transaction((memberId: string, statuses: readonly LeadStatus[]) => {
      deleteStatuses.run(memberId)
      for (const s of statuses) insertStatus.run(memberId, s.statusId, s.sort, s.semantics)
    })
    this.#statuses = db.prepare<[string], LeadStatusRow>('SELECT status_id, sort, semantics FROM lead_statuses WHERE member_id = ?')
    const deleteNames = db.prepare('DELETE FROM crm_names WHERE member_id = ?')
    const insertName = db.prepare('INSERT OR REPLACE INTO crm_names (member_id, kind, id, name) VALUES (?, ?, ?, ?)')
    this.#replaceNames = db.transaction((memberId: string, names: CrmNames) => {
      deleteNames.run(memberId)
      for (const row of crmNameRows(names)) insertName.run(memberId, row.kind, row.id, row.name)
    })
    this.#names = db.prepare<[string], CrmNameRow>('SELECT kind, id, name FROM crm_names WHERE member_id = ?')
    this.#deletePortal = db.transaction((memberId: string) => {
      deleteUsers.run(memberId)
      deleteDepartments.run(memberId)
      deleteSync.run(memberId)
      deleteStatuses.run(memberId)
      deleteNames.run(memberId)
    })
  }

  /** Replaces the portal's users and departments in one transaction and stamps the sync time (`at`, default now); ids must be unique. */
  replace(memberId: string, users: readonly DirectoryUser[], departments: readonly DirectoryDepartment[], at: Date = this.now()): void {
    this.#replace(memberId, users, departments, at)
  }

  /** The portal's directory as last replaced; empty maps before the first refresh. */
  load(memberId: string): Directory {
    return directoryOf(this.#users.all(memberId), this.#departments.all(memberId))
  }

  /** Replaces the portal's lead statuses; status ids must be unique. */
  replaceLeadStatuses(memberId: string, statuses: readonly LeadStatus[]): void {
    this.#replaceStatuses(memberId, statuses)
  }

  /** The portal's lead statuses as last read; empty before the first refresh. */
  leadStatuses(memberId: string): LeadStatus[] {
    return this.#leadStatuses.get(memberId, () => this.#statuses.all(memberId).map(rowToLeadStatus))
  }

  /** Replaces the portal's lead status, deal stage and pipeline names. */
  replaceCrmNames(memberId: string, names: CrmNames): void {
    this.#replaceNames(memberId, names)
  }

  /** The portal's lead status, deal stage and pipeline names as last read; empty before the first refresh. */
  crmNames(memberId: string): CrmNames {
    return crmNamesOf(this.#names.all(memberId))
  }

  /** When the directory was last replaced, or undefined if never. */
  syncedAt(memberId: string): Date | undefined {
    return this.#syncedAts.get(memberId, () => {
      const row = this.#syncedAt.get(memberId)
      return row ? new Date(row.synced_at) : undefined
    })
  }

  /** Removes a portal's directory and its sync stamp (uninstall with CLEAN=1). */
  deletePortal(memberId: string): void {
    this.#deletePortal(memberId)
  }
}
