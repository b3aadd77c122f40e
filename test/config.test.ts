// The environment is parsed once; a bad value is one line naming the variable.
import { describe, expect, it } from 'vitest'
import { isAllowedHost, loadConfig } from '../src/config.js'

describe('loadConfig', () => {
  it('starts with defaults on an empty environment', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databasePath).toBe('./data/app.db')
    expect(config.publicUrl).toBe('http://127.0.0.1:3000')
    expect(config.allowedHosts).toContain('*.bitrix24.ru')
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
    [{ RULES_FILE: '/nowhere/rules.json' }, 'Invalid configuration: RULES_FILE file does not exist'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
    try {
      loadConfig(env)
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
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
