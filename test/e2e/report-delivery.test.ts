// Issue 11.4 end to end with the fake portal: the weekly schedule fires on a moved clock, each department head gets the
// department's workbook on the fake Disk (in the head's folder, read access for that head only) and one notification with
// its link; a second run, and a restart on the same SQLite file, deliver nothing more; big files go by the upload URL and
// get the head's access from the folder (issue 16.4); a failed upload, or a refused folder, is retried on the next run.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RULE_IDS } from '../../rules/catalogue.js'
import { userName } from '../../rules/directory.js'
import { buildApp } from '../../src/app.js'
import { ReportDelivery, headedDepartments } from '../../src/reports/delivery.js'
import { reportFileName } from '../../src/reports/workbook.js'
import { openStore } from '../../src/store/index.js'
import { addDays, isoDate, localDateOf, startOfDay } from '../../src/shared/zoned-days.js'
import type { FakeFile } from '../fake-portal/index.js'
import { DISK_TASKS } from '../fake-portal/methods/disk.js'
import { healthOf, settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'

const MOSCOW = 'Europe/Moscow'
const HOUR = 3_600_000
const DAY = 24 * HOUR
const ANNA = 5
const PAVEL = 6
const RULES = testSettings({ rules: Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }])) })
const READ_TASK = DISK_TASKS.find((task) => task.NAME === 'disk_access_read')!.ID

/** The pair on one clock the test moves, installed on a Wednesday at 12:00 Moscow time; `path` is its SQLite file. */
interface Pair extends Harness {
  now(): number
  moveTo(at: number): Promise<void>
  /** Monday 09:00 Moscow after the install: the weekly default. */
  monday: number
}

async function startPair(databasePath: string): Promise<Pair> {
  // The next Wednesday 12:00 in Moscow: a week whose Monday 09:00 comes five days after the install.
  const today = localDateOf(Date.now(), MOSCOW)
  const wednesday = startOfDay(addDays(today, ((3 - today.weekday + 7) % 7) || 7), MOSCOW) + 12 * HOUR
  let offset = wednesday - Date.now()
  const now = () => Date.now() + offset
  const h = await startHarness({ portal: { now }, env: { DATABASE_PATH: databasePath }, app: { now: () => new Date(now()), rules: RULES } })
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  const pair: Pair = {
    ...h,
    now,
    monday: wednesday + 5 * DAY - 3 * HOUR,
    // The app and store of now (a restart replaces them).
    async close() {
      await pair.app.close()
      pair.store.close()
      await pair.portal.close()
    },
    async moveTo(at: number) {
      offset += at - now()
      await pair.app.clocks.runDue()
      await settle(pair)
    },
  }
  return pair
}

// The app again on the same SQLite file and port, as after a restart; the portal keeps running.
async function restart(pair: Pair): Promise<void> {
  await pair.app.close()
  pair.store.close()
  const appNow = () => new Date(pair.now())
  pair.store = openStore(pair.config.databasePath, appNow, pair.config.tokenKey)
  pair.app = await buildApp(pair.config, { store: pair.store, schedule: false, rules: RULES, now: appNow })
  await pair.app.listen({ port: pair.config.port, host: pair.config.host })
}

// A lead and a deal of the sales managers, made in the week the Monday reports on.
async function someWork(pair: Pair): Promise<void> {
  pair.portal.data.addLead({ TITLE: 'Альфа: принтер', COMPANY_TITLE: 'ООО «Альфа»', STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: PAVEL }, { byUserId: PAVEL })
  pair.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 1000.5, CURRENCY_ID: 'RUB' }, { byUserId: ANNA })
  await settle(pair)
}

const reportNotices = (pair: Pair) => pair.portal.data.notifications.filter((notice) => notice.tag?.startsWith('RULES_REPORT|'))

// Who may read a file, as access codes with the access level's name: the file's own rights and its folder's.
const readersOf = (pair: Pair, file: FakeFile) => [...new Set(pair.portal.data.accessTo(file)
  .map((right) => `${right.accessCode} ${DISK_TASKS.find((task) => task.ID === right.taskId)?.NAME ?? right.taskId}`))].sort()

// The head's folder a file is in, by name.
const folderOf = (pair: Pair, file: FakeFile) => pair.portal.data.folders.find((folder) => folder.id === file.folderId)

// Every text of a sheet, to find the department's name and the period in the summary.
async function summaryTexts(bytes: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const texts: string[] = []
  workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text))))
  return texts
}

/** A pair on a database file of its own for the describe block it is called in, handed to `fill`, closed after the block. */
function pairFor(prefix: string, fill: (pair: Pair) => unknown): void {
  let dir: string
  let pair: Pair | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    pair = await startPair(join(dir, 'app.db'))
    await fill(pair)
  }, 60_000)
  afterAll(async () => {
    await pair?.close()
    rmSync(dir, { recursive: true, force: true })
  })
}

describe('weekly delivery on the portal\'s Disk', () => {
  let pair: Pair
  let heads: Array<{ departmentId: string; headId: string }>
  pairFor('delivery-', async (started) => {
    pair = started
    await someWork(pair)
    heads = headedDepartments(await pair.store.directory.load(pair.portal.memberId))
  })

  it('at Monday 08:59 nothing is delivered', async () => {
    await pair.moveTo(pair.monday - 60_000)
    await pair.app.reportDelivery.runDue()
    expect(pair.portal.data.files).toHaveLength(0)
    expect(reportNotices(pair)).toHaveLength(0)
  })

  it('at Monday 09:00 each head gets the department\'s workbook, readable by that head only, and one notification with its link', async () => {
    await pair.moveTo(pair.monday)
    await pair.app.reportDelivery.runDue()
    const directory = await pair.store.directory.load(pair.portal.memberId)
    expect(heads.length).toBeGreaterThanOrEqual(2)
    const files = pair.portal.data.files
    expect(files).toHaveLength(heads.length)
    const monday = localDateOf(pair.monday, MOSCOW)
    const [from, last] = [isoDate(addDays(monday, -7)), isoDate(addDays(monday, -1))]
    const notices = reportNotices(pair)
    expect(notices).toHaveLength(new Set(heads.map((head) => head.headId)).size)
    for (const { departmentId, headId } of heads) {
      const name = directory.departments.get(departmentId)!.name
      const fileName = reportFileName({ scope: { departmentId, name, people: 'all' }, period: { from: addDays(monday, -7), to: monday } }, 'ru')
      expect(fileName).toMatch(new RegExp(`_${from}_${last}\\.xlsx$`))
      const file = files.find((candidate) => candidate.name === fileName)!
      expect(file).toBeDefined()
      expect(file.rights).toEqual([{ taskId: READ_TASK, accessCode: `U${headId}` }])
      expect(readersOf(pair, file)).toEqual([`U${headId} disk_access_read`])
      expect(folderOf(pair, file)?.name).toBe(`Отчёты — ${userName(directory, headId)} (${headId})`)
      expect(file.via).toBe('base64')
      const texts = await summaryTexts(file.bytes)
      expect(texts).toContain(name)
      expect(texts.some((text) => text.includes(from) && text.includes(last))).toBe(true)
      const notice = notices.find((candidate) => String(candidate.userId) === headId)!
      expect(notice.message).toContain(`[URL=${pair.portal.url}/docs/path/${encodeURIComponent(folderOf(pair, file)!.name)}/${encodeURIComponent(file.name)}]${file.name}[/URL]`)
      expect(notice.message).toMatch(/^Еженедельный отчёт за \d+(–| )/)
    }
    // The sales head's report counts the work of the week.
    const sales = heads.find(({ departmentId }) => directory.departments.get(departmentId)!.name === 'Отдел продаж')!
    const salesFile = files.find((file) => file.name.includes('Отдел-продаж'))!
    expect(salesFile.rights).toEqual([{ taskId: READ_TASK, accessCode: `U${sales.headId}` }])
    const salesTexts = await summaryTexts(salesFile.bytes)
    expect(salesTexts).toContain(userName(directory, String(PAVEL)))
    expect(salesTexts).toContain(userName(directory, String(ANNA)))
    expect((await pair.store.journal.recent(pair.portal.memberId)).filter((entry) => entry.kind === 'report.uploaded')).toHaveLength(heads.length)
    expect((await healthOf(pair)).portals[0].reports).toEqual({ pending: 0, unnotified: 0, delivered: heads.length, failed: 0 })
  })

  it('a second run for the same period, and one after a restart on the same SQLite file, upload and notify nothing', async () => {
    pair.portal.clearCalls()
    await pair.moveTo(pair.monday + 2 * 60_000)
    await pair.app.reportDelivery.runDue()
    await restart(pair)
    await pair.moveTo(pair.monday + DAY)
    await pair.app.reportDelivery.runDue()
    expect(pair.portal.data.files).toHaveLength(heads.length)
    expect(reportNotices(pair)).toHaveLength(new Set(heads.map((head) => head.headId)).size)
    expect(pair.portal.calls.filter((call) => call.method.startsWith('disk.') || call.method.startsWith('im.notify'))).toEqual([])
  })
})

describe('the upload-URL way and a failed upload', () => {
  let pair: Pair
  pairFor('delivery-url-', async (started) => {
    pair = started
    await someWork(pair)
  })

  it('files over the base64 limit go multipart to the upload URL; a failed one is retried on the next run, the others are not held up', async () => {
    const heads = headedDepartments(await pair.store.directory.load(pair.portal.memberId))
    // Every workbook counts as big here; the app's own deliverer is left alone.
    const delivery = new ReportDelivery({
      store: pair.store, clients: pair.app.clients, settings: pair.app.portalSettings, logger: pino({ level: 'silent' }),
      now: () => new Date(pair.now()), timeoutMs: 5_000, base64LimitBytes: 0,
    })
    pair.portal.faults.fail({ method: 'upload.json', status: 500, error: 'ERROR_COULD_NOT_SAVE_FILE', description: 'Could not save file', times: 1 })
    await pair.moveTo(pair.monday)
    await delivery.runDue()
    expect(pair.portal.data.files).toHaveLength(heads.length - 1)
    expect(pair.portal.data.files.every((file) => file.via === 'uploadUrl')).toBe(true)
    const [failed] = (await pair.store.reportDeliveries.all(pair.portal.memberId)).filter((row) => row.state === 'pending')
    expect(failed).toMatchObject({ attempts: 1, error: expect.stringContaining('Could not save file') })
    // Everyone else is told; the head of the failed one waits for the retry.
    expect(reportNotices(pair).map((notice) => String(notice.userId)).sort()).toEqual(
      heads.filter((head) => head.departmentId !== failed!.departmentId).map((head) => head.headId).sort())

    await pair.moveTo(pair.monday + 60_000)
    await delivery.runDue()
    await delivery.runDue()
    expect(pair.portal.data.files).toHaveLength(heads.length)
    expect(new Set(pair.portal.data.files.map((file) => file.name)).size).toBe(heads.length)
    expect(reportNotices(pair)).toHaveLength(heads.length)
    const rows = await pair.store.reportDeliveries.all(pair.portal.memberId)
    for (const file of pair.portal.data.files) {
      // The upload-URL way gives the file no rights of its own: the head's folder does.
      expect(file.rights).toEqual([])
      const headId = rows.find((row) => row.fileId === String(file.id))!.supervisorId
      expect(readersOf(pair, file)).toEqual([`U${headId} disk_access_read`])
      expect((await summaryTexts(file.bytes)).length).toBeGreaterThan(0)
    }
    expect((await pair.store.reportDeliveries.all(pair.portal.memberId)).every((row) => row.state === 'uploaded' && row.notifiedAt !== null)).toBe(true)
    await delivery.stop()
  })
})

// Leads the sales managers made in the reported week, put straight into the app's mirror as if synced: enough for a
// workbook over 2 MiB. Random titles keep the zip from shrinking them.
async function bigWeek(pair: Pair, count: number): Promise<void> {
  const createdAt = new Date(pair.monday - 3 * DAY).toISOString()
  await pair.store.applyChanges(Array.from({ length: count }, (_, i) => {
    const snapshot = {
      ID: String(100_000 + i), TITLE: `Заявка ${randomBytes(90).toString('base64')}`, ASSIGNED_BY_ID: String(i % 2 === 0 ? ANNA : PAVEL),
      DATE_CREATE: createdAt, STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P',
    }
    return { mirror: { memberId: pair.portal.memberId, record: { entity: 'lead', entityId: snapshot.ID, snapshot, deleted: false, modifiedAt: null } }, eventIds: [], plans: [] }
  }))
}

describe('a report over 1 MiB: the upload URL, and the head\'s access from the head\'s folder (issue 16.4)', () => {
  let pair: Pair
  pairFor('delivery-big-', async (started) => {
    pair = started
    await bigWeek(pair, 17_000)
  })

  it('the sales head\'s 2 MiB workbook lands readable by that head alone, though the upload URL takes no rights', async () => {
    const directory = await pair.store.directory.load(pair.portal.memberId)
    const sales = headedDepartments(directory).find(({ departmentId }) => directory.departments.get(departmentId)!.name === 'Отдел продаж')!
    await pair.moveTo(pair.monday)
    await pair.app.reportDelivery.runDue()
    const file = pair.portal.data.files.find((candidate) => candidate.name.includes('Отдел-продаж'))!
    expect(file.bytes.length).toBeGreaterThan(2 * 1024 * 1024)
    expect(file.via).toBe('uploadUrl')
    expect(readersOf(pair, file)).toEqual([`U${sales.headId} disk_access_read`])
    expect(folderOf(pair, file)).toMatchObject({ name: `Отчёты — ${userName(directory, sales.headId)} (${sales.headId})` })
    // Nothing relies on rights the upload-URL call does not document.
    const params = (call: { params: unknown }) => call.params as Record<string, unknown>
    const urlCalls = pair.portal.calls.filter((call) => call.method === 'disk.folder.uploadfile' && !('fileContent' in params(call)))
    expect(urlCalls.length).toBeGreaterThan(0)
    expect(urlCalls.every((call) => !('rights' in params(call)))).toBe(true)
    const delivered = (await pair.store.reportDeliveries.all(pair.portal.memberId)).find((row) => row.departmentId === sales.departmentId)!
    expect(delivered).toMatchObject({ state: 'uploaded', fileId: String(file.id) })
    expect(delivered.notifiedAt).not.toBeNull()
  }, 60_000)
})

describe('a head\'s folder the portal refuses to make', () => {
  let pair: Pair
  pairFor('delivery-refused-', async (started) => {
    pair = started
    await someWork(pair)
  })

  it('leaves the delivery pending with nothing uploaded; the next minute gives the access and uploads the only copy', async () => {
    const heads = headedDepartments(await pair.store.directory.load(pair.portal.memberId))
    pair.portal.faults.fail({ method: 'disk.storage.addfolder', status: 403, error: 'ACCESS_DENIED', description: 'Access denied', times: 1 })
    await pair.moveTo(pair.monday)
    await pair.app.reportDelivery.runDue()
    const [refused, ...others] = (await pair.store.reportDeliveries.all(pair.portal.memberId)).sort((a, b) => (a.state === 'pending' ? -1 : b.state === 'pending' ? 1 : 0))
    expect(refused).toMatchObject({ state: 'pending', attempts: 1, fileId: null, error: expect.stringContaining('Access denied') })
    expect(others.every((row) => row.state === 'uploaded')).toBe(true)
    expect(pair.portal.data.files).toHaveLength(heads.length - 1)
    expect(reportNotices(pair).map((notice) => String(notice.userId))).not.toContain(refused!.supervisorId)

    await pair.moveTo(pair.monday + 60_000)
    await pair.app.reportDelivery.runDue()
    const files = pair.portal.data.files
    expect(files).toHaveLength(heads.length)
    expect(files.every((file) => !file.name.includes(' ('))).toBe(true)
    const rows = await pair.store.reportDeliveries.all(pair.portal.memberId)
    expect(rows.every((row) => row.state === 'uploaded' && row.notifiedAt !== null)).toBe(true)
    for (const file of files) {
      const headId = rows.find((row) => row.fileId === String(file.id))!.supervisorId
      expect(readersOf(pair, file)).toEqual([`U${headId} disk_access_read`])
    }
    expect(reportNotices(pair)).toHaveLength(new Set(heads.map((head) => head.headId)).size)
  })
})
