// What the app keeps about each portal on PostgreSQL: its journal, sweep states, settings, offline queue and robot
// set-up; and the login states already spent, whichever instance spent them.
import type { Async } from '../port.js'
import { rowToEntry, type JournalEntry, type JournalRepo, type JournalRow } from '../journal.js'
import { rowToOfflineQueue, type OfflineMode, type OfflineQueueRepo, type OfflineQueueRow, type OfflineQueueState } from '../offline-queues.js'
import type { LoginStateRepo } from '../login-states.js'
import type { PortalSettingsRepo, SavedSettings } from '../portal-settings.js'
import type { RobotSetup, RobotSetupRepo } from '../robot-calls.js'
import { rowToSweep, type SweepRepo, type SweepRow, type SweepState } from '../sweeps.js'
import type { Sql } from './sql.js'

/** Appends and reads journal rows. */
export class PgJournalRepo implements Async<JournalRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async append(memberId: string | null, kind: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.sql.run('INSERT INTO journal (at, member_id, kind, detail) VALUES ($1, $2, $3, $4)', [this.now().toISOString(), memberId, kind, JSON.stringify(detail)])
  }

  async recent(memberId: string | null, limit = 100): Promise<JournalEntry[]> {
    // Two statements rather than IS NOT DISTINCT FROM, which no index serves.
    const rows = memberId === null
      ? await this.sql.rows<JournalRow>('SELECT * FROM journal WHERE member_id IS NULL ORDER BY id DESC LIMIT $1', [limit])
      : await this.sql.rows<JournalRow>('SELECT * FROM journal WHERE member_id = $1 ORDER BY id DESC LIMIT $2', [memberId, limit])
    return rows.map(rowToEntry)
  }

  async deletePortal(memberId: string): Promise<void> {
    await this.sql.run('DELETE FROM journal WHERE member_id = $1', [memberId])
  }
}

/** Reads and writes sweep states. */
export class PgSweepRepo implements Async<SweepRepo> {
  constructor(private readonly sql: Sql) {}

  async get(memberId: string, entity: string): Promise<SweepState | undefined> {
    const row = await this.sql.row<SweepRow>('SELECT * FROM sweeps WHERE member_id = $1 AND entity = $2', [memberId, entity])
    return row ? rowToSweep(row) : undefined
  }

  async all(memberId: string): Promise<SweepState[]> {
    return (await this.sql.rows<SweepRow>('SELECT * FROM sweeps WHERE member_id = $1 ORDER BY entity', [memberId])).map(rowToSweep)
  }

  async save(memberId: string, state: SweepState): Promise<void> {
    await this.sql.run(`
      INSERT INTO sweeps (member_id, entity, cursor, started_at, finished_at, listed, found, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (member_id, entity) DO UPDATE SET cursor = excluded.cursor, started_at = excluded.started_at,
        finished_at = excluded.finished_at, listed = excluded.listed, found = excluded.found, error = excluded.error`,
    [memberId, state.entity, state.cursor, state.startedAt, state.finishedAt, state.listed, state.found, state.error])
  }
}

/** Reads and saves a portal's settings overrides. */
export class PgPortalSettingsRepo implements Async<PortalSettingsRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async get(memberId: string): Promise<SavedSettings | undefined> {
    const row = await this.sql.row<{ overrides: string; updated_at: string; updated_by: string }>(
      'SELECT overrides, updated_at, updated_by FROM portal_settings WHERE member_id = $1', [memberId])
    return row ? { overrides: JSON.parse(row.overrides), updatedAt: row.updated_at, updatedBy: row.updated_by } : undefined
  }

  async save(memberId: string, overrides: Record<string, unknown>, userId: string): Promise<void> {
    await this.sql.run(`
      INSERT INTO portal_settings (member_id, overrides, updated_at, updated_by) VALUES ($1, $2, $3, $4)
      ON CONFLICT (member_id) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [memberId, JSON.stringify(overrides), this.now().toISOString(), userId])
  }
}

/** Reads and writes offline queue states. */
export class PgOfflineQueueRepo implements Async<OfflineQueueRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async get(memberId: string): Promise<OfflineQueueState | undefined> {
    const row = await this.sql.row<OfflineQueueRow>('SELECT * FROM offline_queues WHERE member_id = $1', [memberId])
    return row ? rowToOfflineQueue(row) : undefined
  }

  async writeConnector(memberId: string): Promise<string | null> {
    const state = await this.get(memberId)
    return state?.mode === 'active' ? state.authConnector : null
  }

  async active(): Promise<string[]> {
    return (await this.sql.rows<{ member_id: string }>("SELECT member_id FROM offline_queues WHERE mode = 'active' ORDER BY member_id")).map((row) => row.member_id)
  }

  async setMode(memberId: string, mode: OfflineMode, authConnector: string | null): Promise<void> {
    await this.sql.run(`
      INSERT INTO offline_queues (member_id, mode, auth_connector, checked_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode, auth_connector = excluded.auth_connector, checked_at = excluded.checked_at`,
    [memberId, mode, authConnector, this.now().toISOString()])
  }

  async recordDrain(memberId: string, outcome: { drained: number; unmapped: number; error: string | null }): Promise<void> {
    await this.sql.run('UPDATE offline_queues SET drained_at = $2, drained = $3, unmapped = $4, error = $5 WHERE member_id = $1',
      [memberId, this.now().toISOString(), outcome.drained, outcome.unmapped, outcome.error])
  }
}

/** What registering the robots found on each portal. */
export class PgRobotSetupRepo implements Async<RobotSetupRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async set(memberId: string, setup: Omit<RobotSetup, 'checkedAt'>): Promise<void> {
    await this.sql.run(`
      INSERT INTO robot_setups (member_id, mode, robots, error, checked_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (member_id) DO UPDATE SET mode = excluded.mode, robots = excluded.robots, error = excluded.error, checked_at = excluded.checked_at`,
    [memberId, setup.mode, JSON.stringify(setup.robots), setup.error, this.now().toISOString()])
  }

  async get(memberId: string): Promise<RobotSetup | undefined> {
    const row = await this.sql.row<{ mode: RobotSetup['mode']; robots: string; error: string | null; checked_at: string }>(
      'SELECT mode, robots, error, checked_at FROM robot_setups WHERE member_id = $1', [memberId])
    if (!row) return undefined
    return { mode: row.mode, robots: JSON.parse(row.robots), error: row.error, checkedAt: row.checked_at }
  }
}

/** Spends login states by their nonce: a state is good once, on any instance. */
export class PgLoginStateRepo implements Async<LoginStateRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date) {}

  async spend(nonce: string, expiresAt: Date): Promise<boolean> {
    await this.sql.run('DELETE FROM spent_login_states WHERE expires_at <= $1', [this.now().toISOString()])
    return (await this.sql.run('INSERT INTO spent_login_states (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [nonce, expiresAt.toISOString()])) === 1
  }
}
