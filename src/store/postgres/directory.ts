// Each portal's directory on PostgreSQL, replaced whole (one statement a table, however many users).
import type { Directory, DirectoryDepartment, DirectoryUser } from '../../../rules/directory.js'
import type { LeadStatus } from '../../../rules/lead-statuses.js'
import type { Async } from '../port.js'
import {
  crmNameRows, crmNamesOf, directoryOf, rowToLeadStatus,
  type CrmNameRow, type CrmNames, type DepartmentRow, type DirectoryRepo, type LeadStatusRow, type UserRow,
} from '../directory.js'
import type { Sql } from './sql.js'

/** Reads and replaces a portal's directory. */
export class PgDirectoryRepo implements Async<DirectoryRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async replace(memberId: string, users: readonly DirectoryUser[], departments: readonly DirectoryDepartment[], at: Date = this.now()): Promise<void> {
    await this.sql.run('DELETE FROM users WHERE member_id = $1', [memberId])
    await this.sql.run('DELETE FROM departments WHERE member_id = $1', [memberId])
    await this.sql.run(`
      INSERT INTO users (member_id, id, name, active, departments)
      SELECT $1, * FROM unnest($2::text[], $3::text[], $4::integer[], $5::text[])`,
    [memberId, users.map((u) => u.id), users.map((u) => u.name), users.map((u) => (u.active ? 1 : 0)), users.map((u) => JSON.stringify(u.departments))])
    await this.sql.run(`
      INSERT INTO departments (member_id, id, name, parent_id, head_id) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
    [memberId, departments.map((d) => d.id), departments.map((d) => d.name), departments.map((d) => d.parentId), departments.map((d) => d.headId)])
    await this.sql.run(`
      INSERT INTO directory_syncs (member_id, synced_at) VALUES ($1, $2) ON CONFLICT (member_id) DO UPDATE SET synced_at = excluded.synced_at`,
    [memberId, at.toISOString()])
  }

  async load(memberId: string): Promise<Directory> {
    const users = await this.sql.rows<UserRow>('SELECT id, name, active, departments FROM users WHERE member_id = $1', [memberId])
    const departments = await this.sql.rows<DepartmentRow>('SELECT id, name, parent_id, head_id FROM departments WHERE member_id = $1', [memberId])
    return directoryOf(users, departments)
  }

  async replaceLeadStatuses(memberId: string, statuses: readonly LeadStatus[]): Promise<void> {
    await this.sql.run('DELETE FROM lead_statuses WHERE member_id = $1', [memberId])
    await this.sql.run(`
      INSERT INTO lead_statuses (member_id, status_id, sort, semantics) SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::text[])`,
    [memberId, statuses.map((s) => s.statusId), statuses.map((s) => s.sort), statuses.map((s) => s.semantics)])
  }

  async leadStatuses(memberId: string): Promise<LeadStatus[]> {
    return (await this.sql.rows<LeadStatusRow>('SELECT status_id, sort, semantics FROM lead_statuses WHERE member_id = $1', [memberId])).map(rowToLeadStatus)
  }

  async replaceCrmNames(memberId: string, names: CrmNames): Promise<void> {
    const rows = crmNameRows(names)
    await this.sql.run('DELETE FROM crm_names WHERE member_id = $1', [memberId])
    await this.sql.run('INSERT INTO crm_names (member_id, kind, id, name) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])',
      [memberId, rows.map((row) => row.kind), rows.map((row) => row.id), rows.map((row) => row.name)])
  }

  async crmNames(memberId: string): Promise<CrmNames> {
    return crmNamesOf(await this.sql.rows<CrmNameRow>('SELECT kind, id, name FROM crm_names WHERE member_id = $1', [memberId]))
  }

  async syncedAt(memberId: string): Promise<Date | undefined> {
    const row = await this.sql.row<{ synced_at: string }>('SELECT synced_at FROM directory_syncs WHERE member_id = $1', [memberId])
    return row ? new Date(row.synced_at) : undefined
  }

  async deletePortal(memberId: string): Promise<void> {
    for (const table of ['users', 'departments', 'directory_syncs', 'lead_statuses', 'crm_names']) {
      await this.sql.run(`DELETE FROM ${table} WHERE member_id = $1`, [memberId])
    }
  }
}
