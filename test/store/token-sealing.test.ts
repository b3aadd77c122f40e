// The portals' tokens at rest: sealed when written, clear when read, old rows sealed at open, a wrong key refused, a new key rotated in.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, openDatabase } from '../../src/store/db.js'
import { openStore } from '../../src/store/index.js'
import { MIGRATIONS } from '../../src/store/migrations.js'
import type { PortalInstall } from '../../src/store/portals.js'
import { Sealer } from '../../src/store/sealed.js'
import { rotateTokenKey, WrongTokenKeyError } from '../../src/store/token-sealing.js'
import { systemClock } from '../../src/shared/clock.js'
import { sqliteRows, withSqliteFile } from './sqlite-file.js'

const key = randomBytes(32)
const otherKey = randomBytes(32)
// Long and unlike anything else in a database file, so a byte search finds them only where they are.
const secret = (name: string) => `${name}-${randomBytes(24).toString('hex')}`

function portalWith(memberId: string): PortalInstall {
  return {
    memberId, domain: `${memberId}.bitrix24.ru`, clientEndpoint: `https://${memberId}.bitrix24.ru/rest`, serverEndpoint: 'https://oauth.bitrix.info/rest/',
    accessToken: secret('access'), refreshToken: secret('refresh'), expiresAt: 1_800_000_000, applicationToken: secret('app'),
    scope: 'crm,task', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
  }
}

const tokensOf = (portal: PortalInstall) => [portal.accessToken, portal.refreshToken, portal.applicationToken]

interface TokenRow { member_id: string; access_token: string; refresh_token: string; application_token: string }
const tokenRows = (path: string) => sqliteRows<TokenRow>(path, 'SELECT member_id, access_token, refresh_token, application_token FROM portals ORDER BY member_id')

// Every file SQLite keeps for the database (the file, its WAL, its shared memory): which of `needles` their bytes hold.
function foundInFiles(path: string, needles: readonly string[]): string[] {
  const bytes = [path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((file) => readFileSync(file))
  return needles.filter((needle) => bytes.some((content) => content.includes(needle)))
}

describe('tokens at rest', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  const newPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-sealed-'))
    dirs.push(dir)
    return join(dir, 'app.db')
  }

  it('are written sealed and read back in clear: install, refresh, revoke', () => {
    const path = newPath()
    const portal = portalWith('acme')
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portal)
    const refreshed = { accessToken: secret('access'), refreshToken: secret('refresh'), expiresAt: 1_800_003_600, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, scope: 'crm' }
    expect(store.sync.portals.get('acme')).toMatchObject({ accessToken: portal.accessToken, refreshToken: portal.refreshToken, applicationToken: portal.applicationToken })
    store.sync.portals.saveTokens('acme', refreshed)
    expect(store.sync.portals.all()[0]).toMatchObject({ accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken, applicationToken: portal.applicationToken })
    const [row] = tokenRows(path)
    for (const value of [row!.access_token, row!.refresh_token, row!.application_token]) expect(value).toMatch(/^v1:/)
    expect(foundInFiles(path, [...tokensOf(portal), refreshed.accessToken, refreshed.refreshToken])).toEqual([])
    store.sync.portals.revoke('acme', 'uninstalled')
    expect(store.sync.portals.get('acme')).toMatchObject({ accessToken: '', refreshToken: '', status: 'uninstalled' })
    store.close()
  })

  it('a database from before sealing: its clear tokens are sealed at open, in the file, its WAL and its free pages', () => {
    const path = newPath()
    const portals = [portalWith('acme'), portalWith('vector'), { ...portalWith('waiting'), applicationToken: '' }]
    withSqliteFile(path, (db) => {
      db.pragma('journal_mode = WAL')
      migrate(db, MIGRATIONS)
      const insert = db.prepare(`INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, access_token, refresh_token, expires_at,
        application_token, scope, status, installed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'crm', 'active', 'x', 'x')`)
      for (const p of portals) insert.run(p.memberId, p.domain, p.clientEndpoint, p.serverEndpoint, p.accessToken, p.refreshToken, p.expiresAt, p.applicationToken)
      // Older tokens overwritten in clear: their bytes linger in the pages unless something scrubs them.
      db.prepare('UPDATE portals SET access_token = ? WHERE member_id = ?').run(`${portals[0]!.accessToken}-new`, 'acme')
    })
    const clear = portals.flatMap(tokensOf).filter((token) => token !== '')
    expect(foundInFiles(path, clear)).toEqual(clear)
    const store = openStore(path, systemClock, key)
    // While the store is open (its WAL is there) and after it closed, no byte of any clear token is left.
    expect(foundInFiles(path, clear)).toEqual([])
    expect(store.sync.portals.get('acme')?.accessToken).toBe(`${portals[0]!.accessToken}-new`)
    expect(store.sync.portals.get('vector')).toMatchObject({ accessToken: portals[1]!.accessToken, refreshToken: portals[1]!.refreshToken, applicationToken: portals[1]!.applicationToken })
    expect(store.sync.portals.get('waiting')?.applicationToken).toBe('')
    store.close()
    expect(foundInFiles(path, clear)).toEqual([])
    expect(tokenRows(path).map((row) => row.application_token.slice(0, 3))).toEqual(['v1:', 'v1:', ''])
  })

  it('sealing at open is idempotent: a second open changes nothing', () => {
    const path = newPath()
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portalWith('acme'))
    store.close()
    const before = tokenRows(path)
    openStore(path, systemClock, key).close()
    expect(tokenRows(path)).toEqual(before)
  })

  it('a wrong key stops the open with one line, before anything is read or written', () => {
    const path = newPath()
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portalWith('acme'))
    store.close()
    const before = tokenRows(path)
    expect(() => openStore(path, systemClock, otherKey)).toThrow(WrongTokenKeyError)
    try {
      openStore(path, systemClock, otherKey)
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
      expect((error as Error).message).toMatch(/^Wrong token key: .*TOKEN_KEY.*B24_CLIENT_SECRET.*npm run rotate-key$/)
    }
    expect(tokenRows(path)).toEqual(before)
    const right = openStore(path, systemClock, key)
    expect(right.sync.portals.get('acme')?.domain).toBe('acme.bitrix24.ru')
    right.close()
  })

  it('a wrong key is refused even when the check value is gone: a sealed value that does not open decides', () => {
    const path = newPath()
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portalWith('acme'))
    store.close()
    withSqliteFile(path, (db) => db.exec('DELETE FROM store_meta'))
    expect(() => openStore(path, systemClock, otherKey)).toThrow(WrongTokenKeyError)
    openStore(path, systemClock, key).close()
  })

  it('a check value left by another key while nothing was sealed does not lock out the key that sealed the tokens', () => {
    const path = newPath()
    openStore(path, systemClock, key).close()
    // Another process (say npm run report with another secret) opened the empty database first.
    openStore(path, systemClock, otherKey).close()
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portalWith('acme'))
    store.close()
    const again = openStore(path, systemClock, key)
    expect(again.sync.portals.get('acme')?.domain).toBe('acme.bitrix24.ru')
    again.close()
    expect(() => openStore(path, systemClock, otherKey)).toThrow(WrongTokenKeyError)
  })

  it('a database with nothing sealed takes the key it is opened with (no token to lose)', () => {
    const path = newPath()
    openStore(path, systemClock, key).close()
    const store = openStore(path, systemClock, otherKey)
    store.sync.portals.install(portalWith('acme'))
    store.close()
    expect(() => openStore(path, systemClock, key)).toThrow(WrongTokenKeyError)
  })

  it('a sealed value moved to another row or column does not open', () => {
    const path = newPath()
    const store = openStore(path, systemClock, key)
    store.sync.portals.install(portalWith('acme'))
    store.sync.portals.install(portalWith('vector'))
    store.close()
    withSqliteFile(path, (db) => {
      db.exec("UPDATE portals SET access_token = (SELECT refresh_token FROM portals WHERE member_id = 'acme') WHERE member_id = 'acme'")
      db.exec("UPDATE portals SET refresh_token = (SELECT refresh_token FROM portals WHERE member_id = 'acme') WHERE member_id = 'vector'")
    })
    const opened = openStore(path, systemClock, key)
    expect(() => opened.sync.portals.get('acme')).toThrow('the value at portals.access_token:acme does not open')
    expect(() => opened.sync.portals.get('vector')).toThrow('the value at portals.refresh_token:vector does not open')
    opened.close()
  })

  it('rotateTokenKey re-seals every token under the new key in one go; the old key no longer opens the database', () => {
    const path = newPath()
    const portals = [portalWith('acme'), portalWith('vector')]
    const store = openStore(path, systemClock, key)
    for (const portal of portals) store.sync.portals.install(portal)
    store.close()
    const oldCiphertexts = tokenRows(path).flatMap((row) => [row.access_token, row.refresh_token, row.application_token].map((value) => value.split(':')[3]!))
    const db = openDatabase(path)
    expect(() => rotateTokenKey(db, new Sealer(otherKey), new Sealer(key))).toThrow(WrongTokenKeyError)
    expect(rotateTokenKey(db, new Sealer(key), new Sealer(otherKey))).toEqual({ resealed: 6 })
    db.close()
    expect(foundInFiles(path, oldCiphertexts)).toEqual([])
    expect(() => openStore(path, systemClock, key)).toThrow(WrongTokenKeyError)
    const rotated = openStore(path, systemClock, otherKey)
    for (const portal of portals) {
      expect(rotated.sync.portals.get(portal.memberId)).toMatchObject({ accessToken: portal.accessToken, refreshToken: portal.refreshToken, applicationToken: portal.applicationToken })
    }
    rotated.close()
    expect(foundInFiles(path, portals.flatMap(tokensOf))).toEqual([])
  })
})
