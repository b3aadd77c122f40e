// The schema of both stores, one named entry per version, kept in migrations/ (a new one is appended to the last file);
// never edit a shipped entry.
// PostgreSQL's side starts from a baseline that creates the schema of version 16 at once (store/postgres/baseline.ts):
// every entry after it carries its PostgreSQL text beside its SQLite one (test/store/migrations.test.ts checks).

import { V001_007 } from './migrations/001-007-first-tables.js'
import { V008_013 } from './migrations/008-013-clocks-settings-reports.js'
import { V014 } from './migrations/014-portal-foreign-keys.js'
import { V015_ON } from './migrations/015-onwards.js'

/** One step of the schema: applied to a database at `version - 1`, leaving it at `version`. */
export interface Migration {
  readonly version: number
  /** `NNN-what-it-does`, NNN the version. */
  readonly name: string
  /** The change in SQLite (its `PRAGMA user_version` says which entries a file has). */
  readonly sql: string
  /** The same change in PostgreSQL; required above the PostgreSQL baseline's version, absent up to it. */
  readonly postgres?: string
}

/** Every migration, in order: versions 1, 2, 3 … without gaps (one file a range in migrations/). */
export const MIGRATIONS: readonly Migration[] = [...V001_007, ...V008_013, ...V014, ...V015_ON]
