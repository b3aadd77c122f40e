// The server as `npm start` runs it, from its TypeScript through tsx (test/e2e/build.test.ts starts the compiled build): a fresh data folder, /healthz answers; a bad variable stops it in one line.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/harness.js'
import { firstAnswer, ROOT as root, startServer } from '../helpers/server-process.js'


const start = (env: Record<string, string>) => startServer(['--import', 'tsx', 'src/main.ts'], env)

describe('npm start', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('creates its SQLite file and answers /healthz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-start-'))
    dirs.push(dir)
    const port = await freePort()
    const app = start({ PORT: String(port), DATABASE_PATH: join(dir, 'data', 'app.db'), LOG_LEVEL: 'silent' })
    try {
      const response = await firstAnswer(`http://127.0.0.1:${port}/healthz`)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ status: 'ok', version: '0.1.0', totals: { portals: 0 } })
      expect(existsSync(join(dir, 'data', 'app.db'))).toBe(true)
    } finally {
      app.child.kill('SIGTERM')
      expect(await app.exited).toBe(0)
    }
  })

  it('on SIGTERM answers /readyz 503 for SHUTDOWN_GRACE_MS while still serving, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-start-'))
    dirs.push(dir)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const app = start({ PORT: String(port), DATABASE_PATH: join(dir, 'app.db'), LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '1500' })
    const ready = (await firstAnswer(`${url}/readyz`)).status
    app.child.kill('SIGTERM')
    // The load balancer sees the instance leave while it still answers what was sent to it.
    let stopping = 200
    while (stopping === 200) stopping = (await fetch(`${url}/readyz`)).status
    const body = await (await fetch(`${url}/readyz`)).json()
    const healthz = (await fetch(`${url}/healthz`)).status
    expect({ ready, stopping, body, healthz, exit: await app.exited }).toEqual({ ready: 200, stopping: 503, body: { status: 'stopping' }, healthz: 200, exit: 0 })
  })

  it('stops with one line naming a bad variable', async () => {
    const app = start({ PORT: 'abc' })
    expect(await app.exited).toBe(1)
    expect(app.stderr().trim()).toBe('Invalid configuration: PORT must be a number (got "abc")')
  })

  it('stops with one line naming what is wrong with DATABASE_URL, without repeating it', async () => {
    const app = start({ DATABASE_URL: 'mysql://rules:secret@db.example.com/rules' })
    expect(await app.exited).toBe(1)
    expect(app.stderr().trim()).toBe('Invalid configuration: DATABASE_URL must start with postgres:// or postgresql:// (it starts with mysql://)')
  })

  it.each([
    [{ rules: { 'LEAD-NAMES': { mode: 'off' } } }, 'rules.LEAD-NAMES is not a known rule'],
    [{ rules: { 'LEAD-TITLE': { escalateAfter: '-PT15M' } } }, 'rules.LEAD-TITLE.escalateAfter must not be negative (got "-PT15M")'],
    [{ notifications: { digest: { window: '10 minutes' } } }, 'notifications.digest.window must be an ISO-8601 duration such as PT15M or P1D (got "10 minutes")'],
    [{ notifications: { digest: { limit: 0 } } }, 'notifications.digest.limit must be at least 1'],
    [{ rules: { 'LEAD-FIELDS': { mode: 'sometimes' } } }, 'rules.LEAD-FIELDS.mode must be one of off, report, notify, autofix'],
    [{ calendar: { timeZone: 'Mars/Olympus' } }, 'calendar.timeZone must be an IANA time zone such as Europe/Moscow (got "Mars/Olympus")'],
    [{ calendar: { hours: { mon: '09:00-25:00' } } }, 'calendar.hours.mon must be "off" or working hours HH:MM-HH:MM such as 09:00-18:00 (got "09:00-25:00")'],
    [{ calendar: { country: 'by' } }, 'calendar.country has no production calendar in src/calendars (got "by"; shipped: ru)'],
    [{ rules: { 'LEAD-CONTACT-SLA': { within: '-PT15M' } } }, 'rules.LEAD-CONTACT-SLA.within must not be negative (got "-PT15M")'],
    [{ rules: { 'LEAD-CONTACT-SLA': { warnAt: ['120%'] } } }, 'rules.LEAD-CONTACT-SLA.warnAt.0 must be a share between 0% and 100% (got "120%")'],
    [{ rules: { 'DEAL-STAGE-STUCK': { limits: { 2: { 'C3:NEW': 'P1D' } } } } }, 'rules.DEAL-STAGE-STUCK.limits.2.C3:NEW is not a stage of pipeline 2 (expected a stage id such as C2:NEW)'],
    [{ rules: { 'DEAL-NEXT-STEP': { time: 'office' } } }, 'rules.DEAL-NEXT-STEP.time must be "working" or "24/7"'],
  ])('stops on a bad RULES_FILE naming the setting: %j', async (settings, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-settings-'))
    dirs.push(dir)
    const path = join(dir, 'rules.json')
    writeFileSync(path, JSON.stringify(settings))
    const app = start({ RULES_FILE: path, DATABASE_PATH: join(dir, 'app.db'), PORT: String(await freePort()) })
    expect(await app.exited).toBe(1)
    const line = app.stderr().trim()
    expect(line).not.toContain('\n')
    expect(line.startsWith(`Invalid RULES_FILE ${path}: ${message}`)).toBe(true)
  })
})
