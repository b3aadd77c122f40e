// npm run rotate-key as an operator runs it: every token re-sealed under NEW_TOKEN_KEY, or one line saying what is wrong.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { WrongTokenKeyError } from '../../src/store/token-sealing.js'
import { systemClock } from '../../src/shared/clock.js'
import { deriveTokenKey } from '../../src/shared/token-key.js'
import { ROOT } from '../helpers/server-process.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

const run = promisify(execFile)

// The script through tsx with only PATH and `env`: its exit code and what it printed.
const rotate = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/store/rotate-key-cli.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }))

describe('npm run rotate-key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-rotate-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('re-seals under NEW_TOKEN_KEY from TOKEN_KEY, and again from a key derived from B24_CLIENT_SECRET', async () => {
    const path = join(dir, 'app.db')
    const derived = deriveTokenKey('client-secret')
    const store = openStore(path, systemClock, derived)
    store.sync.portals.install({
      memberId: 'm', domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest', serverEndpoint: 'https://oauth.bitrix.info/rest/',
      accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: 1_800_000_000, applicationToken: 'app-1',
      scope: 'crm', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
    })
    store.close()
    const next = randomBytes(32)

    // The app without TOKEN_KEY derived its key from the client secret; the operator moves to a key of its own.
    const first = await rotate({ DATABASE_PATH: path, B24_CLIENT_SECRET: 'client-secret', NEW_TOKEN_KEY: next.toString('base64') })
    expect(first.stderr).toBe('')
    expect(first.stdout.trim()).toBe(`rotate-key: 3 tokens in ${path} re-sealed under NEW_TOKEN_KEY; start the app with TOKEN_KEY set to it`)
    expect(() => openStore(path, systemClock, derived)).toThrow(WrongTokenKeyError)
    const rotated = openStore(path, systemClock, next)
    expect(rotated.sync.portals.get('m')).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', applicationToken: 'app-1' })
    rotated.close()

    // Rotating with the old key again is refused, and changes nothing.
    const stale = await rotate({ DATABASE_PATH: path, B24_CLIENT_SECRET: 'client-secret', NEW_TOKEN_KEY: randomBytes(32).toString('hex') })
    expect(stale.code).toBe(1)
    expect(stale.stderr.trim()).toMatch(/^rotate-key: Wrong token key: [^\n]+$/)
    openStore(path, systemClock, next).close()

    const last = randomBytes(32)
    const second = await rotate({ DATABASE_PATH: path, TOKEN_KEY: next.toString('hex'), NEW_TOKEN_KEY: last.toString('hex') })
    expect(second.code).toBe(0)
    const again = openStore(path, systemClock, last)
    expect(again.sync.portals.get('m')?.refreshToken).toBe('refresh-1')
    again.close()
  }, 60_000)

  it.each([
    [{ NEW_TOKEN_KEY: '' }, 'rotate-key: Invalid configuration: NEW_TOKEN_KEY must be set to the new key (openssl rand -base64 32)'],
    [{ NEW_TOKEN_KEY: 'not-a-key' }, 'rotate-key: Invalid configuration: NEW_TOKEN_KEY must be 32 bytes written as 64 hex digits or 44 base64 characters (openssl rand -base64 32)'],
    [{ TOKEN_KEY: 'not-a-key' }, 'rotate-key: Invalid configuration: TOKEN_KEY must be 32 bytes written as 64 hex digits or 44 base64 characters (openssl rand -base64 32)'],
  ])('refuses %j in one line', async (env, line) => {
    const refused = await rotate({ DATABASE_PATH: join(dir, 'none.db'), NEW_TOKEN_KEY: randomBytes(32).toString('hex'), ...env })
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(line)
  }, 60_000)

  it('refuses a database that is not there, without creating one', async () => {
    const refused = await rotate({ DATABASE_PATH: join(dir, 'missing', 'app.db'), NEW_TOKEN_KEY: randomBytes(32).toString('hex') })
    expect(refused.stderr.trim()).toBe(`rotate-key: no database at DATABASE_PATH ${join(dir, 'missing', 'app.db')}`)
    expect(refused.code).toBe(1)
  }, 60_000)

  if (TEST_DATABASE_URL === undefined) {
    sayPostgresSkipped('rotate-key on PostgreSQL')
  } else {
    const testUrl = TEST_DATABASE_URL
    const schemas = freshSchemas(testUrl)
    afterAll(() => schemas.dropAll())

    it('re-seals the PostgreSQL store at DATABASE_URL', async () => {
      const target = schemas.next()
      const url = new URL(testUrl)
      url.searchParams.set('options', `-c search_path=${target.schema}`)
      const key = randomBytes(32)
      const store = await openPostgresStore(target, systemClock, key)
      await store.portals.install({
        memberId: 'm', domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest', serverEndpoint: 'https://oauth.bitrix.info/rest/',
        accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: 1_800_000_000, applicationToken: 'app-1',
        scope: 'crm', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
      })
      await store.close()
      const next = randomBytes(32)
      const rotated = await rotate({ DATABASE_URL: url.toString(), TOKEN_KEY: key.toString('hex'), NEW_TOKEN_KEY: next.toString('hex') })
      expect(rotated.stdout.trim()).toBe('rotate-key: 3 tokens in the PostgreSQL store at DATABASE_URL re-sealed under NEW_TOKEN_KEY; start the app with TOKEN_KEY set to it')
      await expect(openPostgresStore(target, systemClock, key)).rejects.toBeInstanceOf(WrongTokenKeyError)
      const reopened = await openPostgresStore(target, systemClock, next)
      expect(await reopened.portals.get('m')).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', applicationToken: 'app-1' })
      await reopened.close()
    }, 60_000)
  }
})
