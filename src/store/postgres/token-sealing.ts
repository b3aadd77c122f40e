// The portals' tokens at rest on PostgreSQL: the key checked at open and pinned, any token still in clear sealed, and
// a new key re-sealing them all.
import type pg from 'pg'
import type { Sealer } from '../sealed.js'
import { checkKey, clearValues, KEY_CHECK, placeOf, resealedValues, type SealedColumn, type SecretRow } from '../token-sealing.js'
import { inTransaction, type Sql } from './sql.js'

// Instances starting together check and seal one after another (any fixed number; the migrations take another).
const SEALING_LOCK = 0x62_32_34_73

/**
 * Checks `sealer`'s key against the database before anything else is read or written (WrongTokenKeyError), pins it,
 * and seals every token still in clear, in one transaction (several instances starting together take turns). Idempotent.
 */
export async function sealAtRestPg(pool: pg.Pool, sealer: Sealer): Promise<{ sealed: number }> {
  return inTransaction(pool, async (sql) => {
    const rows = await lockedSecrets(sql, sealer)
    const clear = clearValues(rows)
    if ((await storedCheck(sql)) === sealer.keyCheck() && clear.length === 0) return { sealed: 0 }
    await pinKey(sql, sealer)
    for (const { row, column } of clear) await update(sql, row.member_id, column, sealer.seal(row[column], placeOf(column, row.member_id)))
    return { sealed: clear.length }
  })
}

/** Re-seals every token from `from`'s key to `to`'s in one transaction (all or none) and pins `to`'s key; WrongTokenKeyError when `from` is not the key. */
export async function rotateTokenKeyPg(pool: pg.Pool, from: Sealer, to: Sealer): Promise<{ resealed: number }> {
  await sealAtRestPg(pool, from)
  return inTransaction(pool, async (sql) => {
    const values = resealedValues(await lockedSecrets(sql, from), from, to)
    for (const { memberId, column, value } of values) await update(sql, memberId, column, value)
    await pinKey(sql, to)
    return { resealed: values.length }
  })
}

// The portals' secrets, read under the sealing lock once `sealer`'s key is known to be theirs.
async function lockedSecrets(sql: Sql, sealer: Sealer): Promise<SecretRow[]> {
  await sql.run('SELECT pg_advisory_xact_lock($1)', [SEALING_LOCK])
  const rows = await sql.rows<SecretRow>('SELECT member_id, access_token, refresh_token, application_token FROM portals FOR UPDATE')
  checkKey(rows, await storedCheck(sql), sealer)
  return rows
}

async function storedCheck(sql: Sql): Promise<string | undefined> {
  return (await sql.row<{ value: string }>('SELECT value FROM store_meta WHERE name = $1', [KEY_CHECK]))?.value
}

async function pinKey(sql: Sql, sealer: Sealer): Promise<void> {
  await sql.run('INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [KEY_CHECK, sealer.keyCheck()])
}

// The column names are SEALED_COLUMNS', never input.
async function update(sql: Sql, memberId: string, column: SealedColumn, value: string): Promise<void> {
  await sql.run(`UPDATE portals SET ${column} = $1 WHERE member_id = $2`, [value, memberId])
}
