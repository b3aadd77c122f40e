// The portals' tokens at rest on PostgreSQL: the key checked at open and pinned, any token still in clear sealed.
import type pg from 'pg'
import type { Sealer } from '../sealed.js'
import { checkKey, clearValues, KEY_CHECK, placeOf, type SecretRow } from '../token-sealing.js'
import { inTransaction } from './sql.js'

// Instances starting together check and seal one after another (any fixed number; the migrations take another).
const SEALING_LOCK = 0x62_32_34_73

/**
 * Checks `sealer`'s key against the database before anything else is read or written (WrongTokenKeyError), pins it,
 * and seals every token still in clear, in one transaction (several instances starting together take turns). Idempotent.
 */
export async function sealAtRestPg(pool: pg.Pool, sealer: Sealer): Promise<{ sealed: number }> {
  return inTransaction(pool, async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1)', [SEALING_LOCK])
    const rows = await sql.rows<SecretRow>('SELECT member_id, access_token, refresh_token, application_token FROM portals')
    const stored = (await sql.row<{ value: string }>('SELECT value FROM store_meta WHERE name = $1', [KEY_CHECK]))?.value
    checkKey(rows, stored, sealer)
    const clear = clearValues(rows)
    if (stored === sealer.keyCheck() && clear.length === 0) return { sealed: 0 }
    await sql.run('INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [KEY_CHECK, sealer.keyCheck()])
    // The column names are SEALED_COLUMNS', never input.
    for (const { row, column } of clear) {
      await sql.run(`UPDATE portals SET ${column} = $1 WHERE member_id = $2`, [sealer.seal(row[column], placeOf(column, row.member_id)), row.member_id])
    }
    return { sealed: clear.length }
  })
}
