// The portals' tokens sealed at rest: the key checked at open, rows still in clear sealed, and a new key re-seals all.
import { ConfigError } from '../shared/app-error.js'
import type { Db } from './db.js'
import { isSealed, SealError, type Sealer } from './sealed.js'

/** The columns of `portals` that hold a secret. */
export const SEALED_COLUMNS = ['access_token', 'refresh_token', 'application_token'] as const
export type SealedColumn = (typeof SEALED_COLUMNS)[number]

/** Where a portal's secret is kept; sealed with its value, so a value moved to another row or column does not open. */
export function placeOf(column: SealedColumn, memberId: string): string {
  return `portals.${column}:${memberId}`
}

/** The store_meta row that pins the key the tokens are sealed under. */
export const KEY_CHECK = 'token_key_check'

/** Start-up with a key the database's tokens were not sealed under: stops with this one line. */
export class WrongTokenKeyError extends ConfigError {
  constructor() {
    super(
      "Wrong token key: the database's tokens were sealed under another key than TOKEN_KEY (or, when it is unset, the one derived from B24_CLIENT_SECRET); start with the key they were sealed under, or change it with npm run rotate-key",
    )
  }
}

/** A portal's secrets as both stores keep them. */
export type SecretRow = { member_id: string } & Record<SealedColumn, string>

/**
 * Checks `sealer`'s key against the database before anything else is read or written (WrongTokenKeyError), pins it
 * when the database has nothing sealed yet, and seals, in one transaction, every token still in clear (a database
 * from before sealing, or a restored copy); then scrubs the clear values from the WAL and the free pages. Idempotent.
 */
export function sealAtRest(db: Db, sealer: Sealer): { sealed: number } {
  const rows = secretRows(db)
  checkKey(rows, readKeyCheck(db), sealer)
  if (readKeyCheck(db) === sealer.keyCheck() && clearValues(rows).length === 0) return { sealed: 0 }
  const update = updates(db)
  // Read again under the write lock: another process may have sealed (or pinned) since.
  const sealed = withSecureDelete(db, () => db.transaction(() => {
    const current = secretRows(db)
    checkKey(current, readKeyCheck(db), sealer)
    const clear = clearValues(current)
    writeKeyCheck(db, sealer)
    for (const { row, column } of clear) update[column].run(sealer.seal(row[column], placeOf(column, row.member_id)), row.member_id)
    return clear.length
  }).immediate())
  if (sealed > 0) scrub(db)
  return { sealed }
}

/**
 * Re-seals every token from `from`'s key to `to`'s in one transaction (all or none) and pins `to`'s key; the old
 * ciphertexts are scrubbed from the WAL and the free pages. Throws WrongTokenKeyError when `from` is not the key.
 */
export function rotateTokenKey(db: Db, from: Sealer, to: Sealer): { resealed: number } {
  sealAtRest(db, from)
  const update = updates(db)
  let resealed = 0
  withSecureDelete(db, () => db.transaction(() => {
    const values = resealedValues(secretRows(db), from, to)
    for (const { memberId, column, value } of values) update[column].run(value, memberId)
    resealed = values.length
    writeKeyCheck(db, to)
  }).immediate())
  scrub(db)
  return { resealed }
}

/** Every secret of `rows` opened under `from`'s key and sealed again under `to`'s ('' stays ''). */
export function resealedValues(rows: readonly SecretRow[], from: Sealer, to: Sealer): Array<{ memberId: string; column: SealedColumn; value: string }> {
  return rows.flatMap((row) => SEALED_COLUMNS.filter((column) => row[column] !== '').map((column) => {
    const place = placeOf(column, row.member_id)
    return { memberId: row.member_id, column, value: to.seal(from.open(row[column], place), place) }
  }))
}

function updates(db: Db) {
  const update = (column: SealedColumn) => db.prepare<[string, string]>(`UPDATE portals SET ${column} = ? WHERE member_id = ?`)
  return { access_token: update('access_token'), refresh_token: update('refresh_token'), application_token: update('application_token') }
}

/** The secrets still in clear (a database from before sealing, or a restored copy), to be sealed. */
export function clearValues(rows: readonly SecretRow[]): Array<{ row: SecretRow; column: SealedColumn }> {
  return rows.flatMap((row) => SEALED_COLUMNS.filter((column) => row[column] !== '' && !isSealed(row[column])).map((column) => ({ row, column })))
}

// secure_delete zeroes what the work frees (the clear or old values), and is set back after: the app's own writes
// overwrite only sealed values, and need not pay for zeroing.
function withSecureDelete<T>(db: Db, work: () => T): T {
  const before = Number(db.prepare('PRAGMA secure_delete').pluck().get())
  db.exec('PRAGMA secure_delete = ON')
  try {
    return work()
  } finally {
    db.exec(`PRAGMA secure_delete = ${before}`)
  }
}

function secretRows(db: Db): SecretRow[] {
  return db.prepare<[], SecretRow>('SELECT member_id, access_token, refresh_token, application_token FROM portals').all()
}

// The stored check value answers without touching a token. Without one (a database from before it), or with one another
// process wrote while nothing was sealed (the check then went with the first key to open the file, not the one that
// sealed), a sealed token decides: a key it does not open under is wrong. A database with nothing sealed has nothing a
// new key could lose: it takes the key it is opened with.
/** Throws WrongTokenKeyError when `sealer`'s key is not the one the secrets (or the stored check value) tell of. */
export function checkKey(rows: readonly SecretRow[], storedCheck: string | undefined, sealer: Sealer): void {
  const sealed = rows.flatMap((row) => SEALED_COLUMNS.filter((column) => isSealed(row[column])).map((column) => ({ row, column })))
  if (sealed.length === 0 || storedCheck === sealer.keyCheck()) return
  const first = sealed[0]!
  try {
    sealer.open(first.row[first.column], placeOf(first.column, first.row.member_id))
  } catch (error) {
    if (error instanceof SealError) throw new WrongTokenKeyError()
    throw error
  }
}

function readKeyCheck(db: Db): string | undefined {
  return db.prepare<[string], string>('SELECT value FROM store_meta WHERE name = ?').pluck().get(KEY_CHECK)
}

function writeKeyCheck(db: Db, sealer: Sealer): void {
  db.prepare('INSERT INTO store_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(KEY_CHECK, sealer.keyCheck())
}

// What was overwritten must not linger: secure_delete zeroed the freed cells; the checkpoint moves the WAL's pages into
// the file and empties it; VACUUM rewrites the file without its free pages; the last checkpoint empties the WAL again.
function scrub(db: Db): void {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  db.exec('VACUUM')
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
}
