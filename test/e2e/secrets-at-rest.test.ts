// Secrets at rest over real processes: after an install, a token refresh, a scripted morning, a crash and a report, no file
// the app wrote, no log line and no /healthz answer holds a token; the database copied to another folder works with the
// right key; a wrong key stops start-up in one line and leaves the file as it was.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { afterAll, describe, expect, it } from 'vitest'
import { health, startAppProcess, waitDrained, waitHealthy, type AppProcess } from '../bench/app-process.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { ROOT } from '../helpers/server-process.js'

const ANNA = 5
const PAVEL = 6
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Every file under `dir`, however deep.
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

// The event queue empty, the inbox drained, and the portal quiet (no REST call, no event) for half a second: the outbox is done.
async function quiet(app: AppProcess, portal: FakePortal): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    await waitDrained(app, portal, deadline - Date.now())
    const seen = portal.calls.length + portal.deliveries.length
    await sleep(500)
    if (portal.calls.length + portal.deliveries.length === seen) return
  }
  throw new Error(`the app did not settle:\n${app.stderr()}`)
}

// Every cell of a workbook as text: the .xlsx is a zip, so its bytes alone could hide a token.
async function workbookText(path: string): Promise<string> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(path)
  const lines: string[] = []
  workbook.eachSheet((sheet) => sheet.eachRow((row) => lines.push(JSON.stringify(row.values))))
  return lines.join('\n')
}

describe('secrets at rest', () => {
  const dirs: string[] = []
  const processes: AppProcess[] = []
  let portal: FakePortal | undefined
  afterAll(async () => {
    for (const app of processes) await app.stop()
    await portal?.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('install, refresh, a morning, a crash, a report: no token in any file, log or answer; the copy opens with the key, a wrong key stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-secrets-'))
    const moved = mkdtempSync(join(tmpdir(), 'rules-secrets-moved-'))
    dirs.push(dir, moved)
    const databasePath = join(dir, 'data', 'app.db')
    portal = await startFakePortal()
    const fake = portal
    const port = await freePort()
    const tokenKey = randomBytes(32).toString('base64')
    const env = {
      DATABASE_PATH: databasePath,
      B24_CLIENT_ID: fake.clientId,
      B24_CLIENT_SECRET: fake.clientSecret,
      TOKEN_KEY: tokenKey,
      B24_ALLOWED_HOSTS: '127.0.0.1',
      WORKER_RETRY_BASE_MS: '200',
      // Every log line the app can write, so the grep below reads them all.
      LOG_LEVEL: 'trace',
    }
    // What each process printed, and every /healthz answer: grepped at the end like the files.
    const outputs: string[] = []
    const start = (environment: Record<string, string>) => {
      const app = startAppProcess({ port, env: environment })
      processes.push(app)
      return app
    }
    const finish = async (app: AppProcess, signal: NodeJS.Signals) => {
      await app.stop(signal)
      outputs.push(app.stdout(), app.stderr())
    }
    const answers = async (app: AppProcess) => outputs.push(JSON.stringify(await health(app)), await (await fetch(`${app.url}/healthz`)).text())

    let app = start(env)
    await waitHealthy(app)
    await fake.installApp({ installUrl: `${app.url}/install` })
    await quiet(app, fake)
    expect(fake.applicationToken).toBeTruthy()

    // A scripted morning: a quoted company name (fixed), a default title (told), the same phone twice (a duplicate).
    fake.data.addLead({ TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО "Вектор"', SOURCE_ID: 'WEB', PHONE: [{ VALUE: '+7 (812) 555-01-02', VALUE_TYPE: 'WORK' }] }, { byUserId: ANNA })
    const call = fake.data.addLead({ COMPANY_TITLE: 'Общество с ограниченной ответственностью «Альфа-Строй»', SOURCE_ID: 'CALL' }, { byUserId: PAVEL })
    fake.data.addLead({ TITLE: 'Ромашка: 300 стульев', COMPANY_TITLE: '"Ромашка", АО', PHONE: [{ VALUE: '+7 (495) 123-45-67', VALUE_TYPE: 'WORK' }] }, { byUserId: ANNA })
    fake.data.addLead({ TITLE: 'Ромашка — стулья', COMPANY_TITLE: 'Ромашка АО', PHONE: [{ VALUE: '8 495 1234567', VALUE_TYPE: 'WORK' }] }, { byUserId: ANNA })
    await quiet(app, fake)
    await answers(app)

    // The access token expires: the next re-read refreshes the pair, and the app keeps the new one.
    fake.expireAccessTokens()
    fake.data.updateLead(call, { TITLE: 'Альфа-Строй: 12 кондиционеров' }, { byUserId: PAVEL })
    await quiet(app, fake)
    expect(fake.oauthCalls.filter((c) => c.grantType === 'refresh_token' && c.status === 200).length).toBeGreaterThanOrEqual(1)

    // Killed mid-stream and started again: whatever a crash leaves (the WAL) is grepped too.
    fake.data.updateLead(call, { STATUS_ID: 'IN_PROCESS' }, { byUserId: PAVEL })
    await finish(app, 'SIGKILL')
    app = start(env)
    await waitHealthy(app)
    fake.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 1000.5, CURRENCY_ID: 'RUB' }, { byUserId: ANNA })
    await quiet(app, fake)
    await answers(app)

    // A report from the live database, as an operator runs it beside the app.
    const today = new Date().toISOString().slice(0, 10)
    const reportPath = join(dir, 'report.xlsx')
    const report = spawnSync(process.execPath, ['--import', 'tsx', 'src/reports/cli.ts', '--portal', fake.memberId, '--from', today, '--to', today, '--out', reportPath], {
      cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env },
    })
    expect(report.status, report.stderr).toBe(0)
    outputs.push(report.stdout, report.stderr, await workbookText(reportPath))
    const walWhileRunning = existsSync(`${databasePath}-wal`) ? readFileSync(`${databasePath}-wal`) : Buffer.alloc(0)
    await finish(app, 'SIGTERM')

    const tokens = [...new Set([...fake.issuedTokens(), fake.applicationToken ?? ''])].filter((token) => token.length >= 16)
    // The install's pair, the refreshed pair, the events' user tokens and the application token at least.
    expect(tokens.length).toBeGreaterThanOrEqual(6)
    // Not a vacuous search: the portal's own deliveries carry them in clear.
    expect(tokens.filter((token) => fake.deliveries.some((delivery) => delivery.body.includes(token))).length).toBeGreaterThanOrEqual(3)

    const files = filesUnder(dir)
    expect(files.map((file) => file.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining(['data/app.db', 'report.xlsx']))
    const contents = [...files.map((file) => ({ what: file, bytes: readFileSync(file) })), { what: 'the WAL while running', bytes: walWhileRunning },
      ...outputs.map((text, index) => ({ what: `output ${index}`, bytes: Buffer.from(text) }))]
    const leaks = contents.flatMap(({ what, bytes }) => tokens.filter((token) => bytes.includes(token)).map((token) => `${what}: ${token.slice(0, 6)}…`))
    expect(leaks).toEqual([])
    // Logs were really written: the grep read something.
    expect(outputs.join('').length).toBeGreaterThan(10_000)
    console.log(`secrets at rest: ${tokens.length} tokens looked for in ${contents.length} files and outputs, ${contents.reduce((sum, c) => sum + c.bytes.length, 0)} bytes; none found`)

    // Another machine: the database file alone, the same key, the same address; it acts on a new event with the sealed tokens.
    mkdirSync(join(moved, 'data'))
    copyFileSync(databasePath, join(moved, 'data', 'app.db'))
    const movedEnv = { ...env, DATABASE_PATH: join(moved, 'data', 'app.db') }
    app = start(movedEnv)
    await waitHealthy(app)
    const callsBefore = fake.calls.length
    const lead = fake.data.addLead({ TITLE: 'Сигма: 40 мониторов', COMPANY_TITLE: 'ООО "Сигма"' }, { byUserId: ANNA })
    await quiet(app, fake)
    expect(fake.calls.slice(callsBefore).filter((c) => c.httpStatus === 200).length).toBeGreaterThan(0)
    const after = await health(app)
    expect(after?.portals.find((p) => p.memberId === fake.memberId)).toMatchObject({ status: 'active', inbox: { parked: 0 } })
    expect(fake.data.lead(lead)?.COMPANY_TITLE).toBe('Сигма ООО')
    await finish(app, 'SIGTERM')

    // A wrong key, given or derived: start-up stops with one line, and the file is as it was.
    const fingerprint = () => createHash('sha256').update(readFileSync(movedEnv.DATABASE_PATH)).digest('hex')
    const before = fingerprint()
    const wrongKeys = [{ ...movedEnv, TOKEN_KEY: randomBytes(32).toString('hex') }, { ...movedEnv, TOKEN_KEY: '' }]
    for (const wrong of wrongKeys) {
      const refused = start(wrong)
      expect((await refused.exited).code).toBe(1)
      expect(refused.stderr().trim()).toBe(
        "Wrong token key: the database's tokens were sealed under another key than TOKEN_KEY (or, when it is unset, the one derived from B24_CLIENT_SECRET); start with the key they were sealed under, or change it with npm run rotate-key",
      )
    }
    expect(fingerprint()).toBe(before)
    const movedFiles = filesUnder(moved)
    const movedLeaks = movedFiles.flatMap((file) => tokens.filter((token) => readFileSync(file).includes(token)).map((token) => `${file}: ${token.slice(0, 6)}…`))
    expect(movedLeaks).toEqual([])
  }, 240_000)
})
