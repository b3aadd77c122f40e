// The report read as a stream (report-data.ts) against the report as it was built in memory (legacy-report-data.ts):
// the same figures and the same rows in the same order, over lists of several pages, for everyone and for a department;
// and the lists read from the store as the workbook is written give the same workbook as the lists in memory.
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import { reportOf, reportSourceOf, type ReportFrame, type ReportScope } from '../../src/reports/report-data.js'
import { scopeOf } from '../../src/reports/report.js'
import { rowsCount } from '../../src/reports/report-types.js'
import { writeWorkbook } from '../../src/reports/workbook.js'
import { openStore, type SqliteStore } from '../../src/store/index.js'
import { SEEDED_FROM, SEEDED_MEMBER, SEEDED_PERIOD, seedDirectory, seedReportStore } from '../bench/report-store.js'
import { reportOf as legacyReportOf } from './legacy-report-data.js'

// Each list over two pages of the store's 500 rows.
const ROWS = 8_000
const frame: ReportFrame = { timeZone: 'Europe/Moscow', calendar: ROUND_THE_CLOCK, origin: 'https://vector.bitrix24.ru', plans: { 10: { created: 40, converted: 10 } } }

let store: SqliteStore
let time = SEEDED_FROM

beforeAll(async () => {
  store = openStore(':memory:', () => new Date(time))
  await store.portals.install({ memberId: SEEDED_MEMBER, domain: 'vector.bitrix24.ru', clientEndpoint: 'https://vector.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
    accessToken: 'a', refreshToken: 'r', expiresAt: 1_800_000_000, applicationToken: 't', scope: 'crm,task,user', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' })
  seedDirectory(store, new Date(time))
  seedReportStore(store, ROWS, (ms) => { time = ms })
}, 60_000)

afterAll(() => store?.close())

async function bytesOf(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  await write(out)
  return Buffer.concat(chunks)
}

async function sheetsOf(bytes: Buffer): Promise<Record<string, unknown[][]>> {
  const workbook = await new ExcelJS.Workbook().xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx['load']>[0])
  const sheets: Record<string, unknown[][]> = {}
  workbook.eachSheet((sheet) => {
    const rows: unknown[][] = []
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).map((value, i) => [value, row.getCell(i).numFmt])))
    sheets[sheet.name] = rows
  })
  return sheets
}

describe('the report read as a stream', () => {
  const scopes = async (): Promise<Array<[string, ReportScope]>> => {
    const directory = await store.directory.load(SEEDED_MEMBER)
    return [['everyone', scopeOf(directory, undefined, 'ru')!], ['a department', scopeOf(directory, '1', 'ru')!]]
  }

  it('gives the figures and the rows, in order, that the report built in memory gave', async () => {
    for (const [who, scope] of await scopes()) {
      const directory = await store.directory.load(SEEDED_MEMBER)
      const before = await legacyReportOf({ store, directory }, SEEDED_MEMBER, scope, SEEDED_PERIOD, frame)
      const now = await reportOf({ store, directory }, SEEDED_MEMBER, scope, SEEDED_PERIOD, frame)
      expect(now).toEqual(before)
      expect(before.leads.length).toBeGreaterThan(500)
      if (who === 'everyone') expect(before.violations.length).toBeGreaterThan(500)
      expect(before.stalled.length).toBeGreaterThan(0)
    }
  })

  it('counts each list as it then reads it, and writes the same workbook as the lists in memory', async () => {
    const directory = await store.directory.load(SEEDED_MEMBER)
    const [, scope] = (await scopes())[1]!
    const source = await reportSourceOf({ store, directory }, SEEDED_MEMBER, scope, SEEDED_PERIOD, frame)
    const data = await reportOf({ store, directory }, SEEDED_MEMBER, scope, SEEDED_PERIOD, frame)
    expect([rowsCount(source.leads), rowsCount(source.deals), rowsCount(source.tasks), rowsCount(source.violations)])
      .toEqual([data.leads.length, data.deals.length, data.tasks.length, data.violations.length])
    const created = new Date('2026-12-01T10:00:00Z')
    const streamed = await sheetsOf(await bytesOf((out) => writeWorkbook(source, out, 'ru', created)))
    const inMemory = await sheetsOf(await bytesOf((out) => writeWorkbook(data, out, 'ru', created)))
    expect(Object.keys(streamed)).toEqual(['Сводка', 'Лиды', 'Сделки', 'Задачи', 'Нарушения', 'Сделки без шага'])
    expect(streamed).toEqual(inMemory)
  })
})
