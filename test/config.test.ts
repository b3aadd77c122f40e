// The environment is parsed once; a bad value is one line naming the variable.
import { describe, expect, it } from 'vitest'
import { isAllowedHost, loadConfig, loadNewTokenKey } from '../src/config.js'
import { deriveTokenKey } from '../src/shared/token-key.js'
import { resolveRuleSettings } from '../src/settings/rule-settings.js'

describe('loadConfig', () => {
  it('starts with defaults on an empty environment', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databasePath).toBe('./data/app.db')
    expect(config.publicUrl).toBe('http://127.0.0.1:3000')
    expect(config.allowedHosts).toContain('*.bitrix24.ru')
    expect(config.workerWave).toEqual({ quietMs: 1_000, maxWaitMs: 30_000 })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a number (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT'],
    [{ PUBLIC_URL: 'ftp://rules.example.com' }, 'Invalid configuration: PUBLIC_URL must be an http(s) URL'],
    [{ B24_OAUTH_URL: 'not a url' }, 'Invalid configuration: B24_OAUTH_URL must be an http(s) URL'],
    [{ B24_OAUTH_URL: 'http://oauth.bitrix.info' }, 'Invalid configuration: B24_OAUTH_URL must use https (http only for a loopback host: 127.0.0.0/8, localhost, [::1]) (got "http://oauth.bitrix.info")'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL'],
    [{ B24_ALLOWED_HOSTS: 'bad host' }, 'Invalid configuration: B24_ALLOWED_HOSTS'],
    [{ B24_TIMEOUT_MS: '5' }, 'Invalid configuration: B24_TIMEOUT_MS'],
    [{ WORKER_QUIET_MS: 'soon' }, 'Invalid configuration: WORKER_QUIET_MS must be a number (got "soon")'],
    [{ WORKER_MAX_WAIT_MS: '-1' }, 'Invalid configuration: WORKER_MAX_WAIT_MS'],
    [{ RULES_FILE: '/nowhere/rules.json' }, 'Invalid configuration: RULES_FILE file does not exist'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
    try {
      loadConfig(env)
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('keeps the store in the SQLite file at DATABASE_PATH unless DATABASE_URL names a PostgreSQL', () => {
    expect(loadConfig({})).toMatchObject({ databasePath: './data/app.db', databaseUrl: undefined })
    for (const url of ['postgres://rules:secret@db.example.com:5432/rules', 'postgresql://rules@127.0.0.1/rules', 'postgres:///rules?host=/run/postgresql']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url)
    }
  })

  it.each([
    ['mysql://rules:secret@db.example.com/rules', 'Invalid configuration: DATABASE_URL must start with postgres:// or postgresql:// (it starts with mysql://)'],
    ['//rules:secret@db.example.com/rules', 'Invalid configuration: DATABASE_URL is not a URL: it must look like postgres://user:password@host:5432/database'],
    ['postgres://rules:secret@db.example.com:99999/rules', 'Invalid configuration: DATABASE_URL is not a URL'],
    ['postgres:///rules', 'Invalid configuration: DATABASE_URL names no host'],
  ])('refuses DATABASE_URL %s in one line that does not repeat it', (url, message) => {
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(message)
    try {
      loadConfig({ DATABASE_URL: url })
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
      expect((error as Error).message).not.toContain('secret')
    }
  })

  it('strips the trailing slash of PUBLIC_URL and reads the allow-list', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://rules.example.com/', B24_ALLOWED_HOSTS: ' crm.example.ru , *.bitrix24.ru' })
    expect(config.publicUrl).toBe('https://rules.example.com')
    expect(config.allowedHosts).toEqual(['crm.example.ru', '*.bitrix24.ru'])
  })

  it('takes an https token server, or plain http on a loopback host', () => {
    expect(loadConfig({ B24_OAUTH_URL: 'https://oauth.bitrix.info/' }).oauthUrl).toBe('https://oauth.bitrix.info')
    for (const url of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']) {
      expect(loadConfig({ B24_OAUTH_URL: url }).oauthUrl).toBe(url)
    }
  })

  it('seals tokens under TOKEN_KEY (hex or base64), else under a key derived from B24_CLIENT_SECRET', () => {
    const key = Buffer.alloc(32, 7)
    expect(loadConfig({ TOKEN_KEY: key.toString('hex') })).toMatchObject({ tokenKey: key, tokenKeySource: 'TOKEN_KEY' })
    expect(loadConfig({ TOKEN_KEY: key.toString('base64'), B24_CLIENT_SECRET: 's' })).toMatchObject({ tokenKey: key, tokenKeySource: 'TOKEN_KEY' })
    expect(loadConfig({ B24_CLIENT_SECRET: 's' })).toMatchObject({ tokenKey: deriveTokenKey('s'), tokenKeySource: 'B24_CLIENT_SECRET' })
  })

  it.each([
    ['TOKEN_KEY', 'a-passphrase-not-a-key'],
    ['TOKEN_KEY', Buffer.alloc(16, 7).toString('hex')],
  ])('refuses a malformed %s in one line that does not repeat it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      'Invalid configuration: TOKEN_KEY must be 32 bytes written as 64 hex digits or 44 base64 characters (openssl rand -base64 32)',
    )
    try {
      loadConfig({ [name]: value })
    } catch (error) {
      expect((error as Error).message).not.toContain(value)
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it('reads the key npm run rotate-key moves to from NEW_TOKEN_KEY, in one line when it is missing or malformed', () => {
    const key = Buffer.alloc(32, 9)
    expect(loadNewTokenKey({ NEW_TOKEN_KEY: key.toString('base64url') })).toEqual(key)
    expect(() => loadNewTokenKey({})).toThrow('Invalid configuration: NEW_TOKEN_KEY must be set to the new key (openssl rand -base64 32)')
    expect(() => loadNewTokenKey({ NEW_TOKEN_KEY: 'short' })).toThrow('Invalid configuration: NEW_TOKEN_KEY must be 32 bytes')
  })

  it('reads IPv6 loopback in the allow-list as URL.hostname spells it', () => {
    expect(loadConfig({ B24_ALLOWED_HOSTS: '127.0.0.1,::1,[::1],localhost' }).allowedHosts).toEqual(['127.0.0.1', '[::1]', '[::1]', 'localhost'])
  })
})

describe('isAllowedHost', () => {
  const allowed = ['*.bitrix24.ru', 'oauth.bitrix.info']
  it.each([
    ['acme.bitrix24.ru', true],
    ['ACME.Bitrix24.RU', true],
    ['oauth.bitrix.info', true],
    ['bitrix24.ru.evil.com', false],
    ['evilbitrix24.ru', false],
    ['x.oauth.bitrix.info', false],
    ['127.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isAllowedHost(host, allowed)).toBe(expected)
  })
})

describe('report settings', () => {
  it('default to 90 days of history, Monday 09:00 and the 1st 09:00, no plans', () => {
    expect(resolveRuleSettings({}).reports).toEqual({ historyMs: 90 * 86_400_000, language: null, weekly: '0 9 * * 1', monthly: '0 9 1 * *', plans: {} })
  })

  it('take a plan per manager, a schedule turned off', () => {
    const settings = resolveRuleSettings({ reports: { weekly: null, plans: { '5': { created: 40 } } } })
    expect(settings.reports).toMatchObject({ weekly: null, plans: { '5': { created: 40, converted: null } } })
  })

  it.each([
    [{ language: 'de' }, 'reports.language must be "ru", "en" or null (the portal’s language)'],
    [{ weekly: 'every monday' }, 'reports.weekly must be a cron expression such as "0 9 * * 1" (Monday 09:00) (got "every monday")'],
    [{ history: '90 days' }, 'reports.history must be an ISO-8601 duration such as PT15M or P1D (got "90 days")'],
    [{ plans: { anna: { created: 4 } } }, 'reports.plans.anna'],
    [{ plans: { '5': { created: 2.5 } } }, 'reports.plans.5.created must be a whole number'],
    [{ plans: { '5': { calls: 2 } } }, 'reports.plans.5.calls is not a known setting'],
  ])('refuse %j', (reports, message) => {
    expect(() => resolveRuleSettings({ reports })).toThrow(`Invalid RULES_FILE: ${message}`)
  })
})
