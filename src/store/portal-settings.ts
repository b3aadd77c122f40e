// A portal's own rule settings (the JSON of RULES_FILE's shape), saved from the settings page.
import type { Db } from './db.js'

/** What a portal's administrator saved. */
export interface SavedSettings {
  overrides: Record<string, unknown>
  updatedAt: string
  updatedBy: string
}

interface Row { overrides: string; updated_at: string; updated_by: string }

/** Reads and saves a portal's settings overrides. */
export class PortalSettingsRepo {
  readonly #get
  readonly #put

  constructor(db: Db, private readonly now: () => Date) {
    this.#get = db.prepare<[string], Row>('SELECT overrides, updated_at, updated_by FROM portal_settings WHERE member_id = ?')
    this.#put = db.prepare(`
      INSERT INTO portal_settings (member_id, overrides, updated_at, updated_by) VALUES (?, ?, ?, ?)
      ON CONFLICT (member_id) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
  }

  /** The portal's saved overrides, if any. */
  get(memberId: string): SavedSettings | undefined {
    const row = this.#get.get(memberId)
    return row ? { overrides: JSON.parse(row.overrides), updatedAt: row.updated_at, updatedBy: row.updated_by } : undefined
  }

  /** Saves the portal's overrides (the whole object replaces the previous one). */
  save(memberId: string, overrides: Record<string, unknown>, userId: string): void {
    this.#put.run(memberId, JSON.stringify(overrides), this.now().toISOString(), userId)
  }
}
