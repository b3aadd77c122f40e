// Issue 11: the supervisors' Excel report — its content from a known mirror, the workbook read back with exceljs,
// the command line on a real SQLite file, the download behind a page session.
import { execFile } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import { RULE_IDS } from '../../rules/catalogue.js'
import { PageSessions } from '../../src/auth/page-sessions.js'
import { planFor, reportOf, type ReportFrame, type ReportScope } from '../../src/reports/report-data.js'
import { parseLocalDate, prepareReport, scopeOf } from '../../src/reports/report.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { loadProductionCalendars } from '../../src/settings/calendar-files.js'
import { portalCalendars } from '../../src/settings/portal-calendars.js'
import { moneyFormat, writeWorkbook } from '../../src/reports/workbook.js'
import { addDays, isoDate, localDateOf, startOfDay, type LocalDate } from '../../src/shared/zoned-days.js'
import { reportOfRows } from '../bench/report-rows.js'
import { settle, startOnMovedClock, testSettings, type MovedHarness } from '../helpers/harness.js'

const run = promisify(execFile)
const ADMIN = 1
const SOKOLOV = 4 // head of the sales department
const ANNA = 5
const PAVEL = 6
const OFF = Object.fromEntries(RULE_IDS.map((id) => [id, { mode: 'off' }]))
const HOUR = 3_600_000
const DAY = 24 * HOUR

let h: MovedHarness
let dir: string
let started: number
let period: { from: LocalDate; to: LocalDate }
let timeZone: string
let salesId: string
let commercialId: string
const ids: Record<string, string> = {}

// Three leads (Pavel: one called back in time then converted, one never called; Anna: one junked), three deals
// (Anna two in roubles without a next step, Pavel one won in dollars), two tasks of Anna's (one closed in time, one late).
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reports-'))
  h = await startOnMovedClock(testSettings({ rules: { ...OFF,
    'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: ['PT1H'], time: '24/7' },
    'LEAD-CONTACT-SLA': { mode: 'notify', within: 'PT15M', warnAt: [], escalate: ['PT0S'] },
    'TASK-OVERDUE': { mode: 'notify', escalate: ['PT1M'] } } }), {}, { DATABASE_PATH: join(dir, 'app.db') })
  started = h.now()
  const portal = (await h.store.portals.get(h.portal.memberId))!
  timeZone = resolvedCalendarSettings((await h.app.portalSettings.of(portal.memberId)).calendar, portal.language).timeZone
  const today = localDateOf(started, timeZone)
  period = { from: addDays(today, -1), to: addDays(today, 2) }
  const departments = [...(await h.store.directory.load(portal.memberId)).departments.values()]
  salesId = departments.find((department) => department.name === 'Отдел продаж')!.id
  commercialId = departments.find((department) => department.name === 'Коммерческая служба')!.id

  const data = h.portal.data
  ids.called = data.addLead({ TITLE: 'Альфа: принтер', COMPANY_TITLE: 'ООО «Альфа»', STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: PAVEL }, { byUserId: PAVEL })
  ids.silent = data.addLead({ TITLE: 'Бета: сканер', COMPANY_TITLE: 'ООО «Бета»', STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: PAVEL }, { byUserId: PAVEL })
  ids.junk = data.addLead({ TITLE: 'Спам', COMPANY_TITLE: 'ООО «Спам»', STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
  ids.servers = data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 1000.5, CURRENCY_ID: 'RUB' }, { byUserId: ANNA })
  ids.switch = data.addDeal({ TITLE: 'Бета: "коммутатор"', ASSIGNED_BY_ID: ANNA, OPPORTUNITY: 2000, CURRENCY_ID: 'RUB' }, { byUserId: ANNA })
  ids.won = data.addDeal({ TITLE: 'Гамма: лицензии', ASSIGNED_BY_ID: PAVEL, OPPORTUNITY: 100, CURRENCY_ID: 'USD', STAGE_ID: 'WON' }, { byUserId: PAVEL })
  ids.late = data.addTask({ TITLE: 'РЗ Подписать акт', RESPONSIBLE_ID: ANNA, DEADLINE: new Date(started + 60_000).toISOString() }, { byUserId: SOKOLOV })
  ids.inTime = data.addTask({ TITLE: 'РЗ Выставить счёт', RESPONSIBLE_ID: ANNA, DEADLINE: new Date(started + HOUR).toISOString() }, { byUserId: SOKOLOV })
  await settle(h)
  data.addActivity({ OWNER_TYPE_ID: 1, OWNER_ID: ids.called, TYPE_ID: 2, SUBJECT: 'Звонок клиенту', COMPLETED: 'Y', DIRECTION: 2, RESPONSIBLE_ID: PAVEL,
    COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: PAVEL })
  await settle(h)
  await h.later(2 * 60_000)
  data.updateTask(ids.inTime, { STATUS: 5 }, { byUserId: ANNA })
  data.updateTask(ids.late, { STATUS: 5 }, { byUserId: ANNA })
  data.updateLead(ids.called, { STATUS_ID: 'CONVERTED' }, { byUserId: PAVEL })
  data.updateLead(ids.junk, { STATUS_ID: 'JUNK' }, { byUserId: ANNA })
  await settle(h)
  await h.later(20 * 60_000)
  // The head excuses one deal's missing next step.
  const servers = (await h.store.violations.openFor(portal.memberId, 'deal', ids.servers!))[0]!
  await h.store.violations.excuse(servers.id, String(SOKOLOV), 'Клиент в отпуске')
}, 60_000)

afterAll(async () => {
  await h?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const portal = async () => (await h.store.portals.get(h.portal.memberId))!
const origin = async () => new URL((await portal()).clientEndpoint).origin

async function written(given?: ReportScope) {
  const directory = await h.store.directory.load(h.portal.memberId)
  const scope = given ?? scopeOf(directory, salesId, 'ru')!
  const { data, lang, fileName } = await prepareReport({ store: h.store, settings: h.app.portalSettings, directory }, await portal(), scope, period)
  const path = join(dir, fileName)
  await writeWorkbook(data, createWriteStream(path), lang, new Date())
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(path)
  return { data, workbook, fileName }
}

const frame = async (plans: ReportFrame['plans'] = {}): Promise<ReportFrame> => ({ timeZone, calendar: ROUND_THE_CLOCK, origin: await origin(), plans })
const headers = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1)
const formula = (cell: ExcelJS.Cell) => cell.value as ExcelJS.CellFormulaValue

describe('the report’s content', () => {
  it('counts the sales department’s leads, deals, tasks and violations of the period', async () => {
    const directory = await h.store.directory.load(h.portal.memberId)
    const data = await reportOf({ store: h.store, directory }, h.portal.memberId, scopeOf(directory, salesId, 'ru')!, period, await frame())
    expect(data.total.leads).toMatchObject({ created: 3, converted: 1, junk: 1, breaches: 1 })
    expect(data.total.leads.conversion).toBeCloseTo(1 / 3)
    expect(data.total.leads.contactMedianMs).not.toBeNull()
    expect(data.total.deals).toEqual({ created: 3, won: 1, lost: 0, withoutNextStep: 1, overdue: 0 })
    expect(data.total.tasks).toMatchObject({ created: 2, closed: 2, onTime: 1, overdue: 1, efficiency: 0.5 })
    expect(data.managers.map((row) => [row.name, row.leads.created, row.deals.created, row.tasks.created])).toEqual([
      ['Анна Морозова', 1, 2, 2], ['Екатерина Новикова', 0, 0, 0], ['Павел Лебедев', 2, 1, 0],
    ])
    expect(data.stages).toEqual([
      { categoryId: '0', stageId: 'NEW', currency: 'RUB', count: 2, amount: 3000.5 },
      { categoryId: '0', stageId: 'WON', currency: 'USD', count: 1, amount: 100 },
    ])
    const rules = data.violations.map((violation) => violation.ruleId).sort()
    expect(rules).toEqual(['DEAL-NEXT-STEP', 'DEAL-NEXT-STEP', 'LEAD-CONTACT-SLA', 'TASK-OVERDUE'])
    const excused = data.violations.find((violation) => violation.excuse !== null)!
    expect(excused).toMatchObject({ excuse: 'Клиент в отпуске', excusedBy: 'Дмитрий Соколов', url: `${await origin()}/crm/deal/details/${ids.servers}/` })
    // Nothing of the period's records counts in the week before it.
    const before = await reportOf({ store: h.store, directory }, h.portal.memberId, scopeOf(directory, salesId, 'ru')!,
      { from: addDays(period.from, -7), to: period.from }, await frame())
    expect([before.total.leads.created, before.deals.length, before.violations.length]).toEqual([0, 0, 0])
  })
})

describe('overdue deals', () => {
  it('counts apart the deals whose planned step passed unanswered and the deals with none, and marks each in the list', async () => {
    const other = await startOnMovedClock(testSettings({ rules: { ...OFF, 'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT30S', escalate: [], time: '24/7' } } }))
    try {
      // The period is the day they are made and the next (five minutes on may be past midnight in Moscow).
      const today = localDateOf(other.now(), timeZone)
      const late = other.portal.data.addDeal({ TITLE: 'Вектор: серверы', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
      const none = other.portal.data.addDeal({ TITLE: 'Альфа: принтеры', ASSIGNED_BY_ID: ANNA }, { byUserId: ANNA })
      other.portal.data.addActivity({ OWNER_TYPE_ID: 2, OWNER_ID: late, TYPE_ID: 2, SUBJECT: 'Перезвонить', COMPLETED: 'N', DEADLINE: new Date(other.now() + 60_000).toISOString(),
        RESPONSIBLE_ID: ANNA, COMMUNICATIONS: [{ VALUE: '+79001234567', TYPE: 'PHONE' }] }, { byUserId: ANNA })
      await settle(other)
      await other.later(5 * 60_000)
      const member = other.portal.memberId
      const directory = await other.store.directory.load(member)
      const data = await reportOf({ store: other.store, directory }, member, scopeOf(directory, undefined, 'ru')!, { from: today, to: addDays(today, 2) },
        { timeZone, calendar: ROUND_THE_CLOCK, origin: new URL((await other.store.portals.get(member))!.clientEndpoint).origin, plans: {} })
      expect(data.total.deals).toMatchObject({ created: 2, withoutNextStep: 1, overdue: 1 })
      expect(data.deals.map((deal) => [deal.id, deal.withoutNextStep, deal.overdue]).sort()).toEqual([[late, false, true], [none, true, false]].sort())
      const path = join(dir, 'overdue.xlsx')
      await writeWorkbook(data, createWriteStream(path), 'ru', new Date())
      const deals = (await new ExcelJS.Workbook().xlsx.readFile(path)).getWorksheet('Сделки')!
      const rowOf = (title: string) => [2, 3].map((n) => deals.getRow(n)).find((row) => formula(row.getCell(1)).result === title)!
      expect([rowOf('Вектор: серверы').getCell(9).value, rowOf('Вектор: серверы').getCell(10).value]).toEqual([null, 'да'])
      expect([rowOf('Альфа: принтеры').getCell(9).value, rowOf('Альфа: принтеры').getCell(10).value]).toEqual(['да', null])
      // Both are listed as they stand now, on a sheet of their own (deals of any age), oldest problem first.
      const stalled = (await new ExcelJS.Workbook().xlsx.readFile(path)).getWorksheet('Сделки без шага')!
      expect(headers(stalled)).toEqual(['Сделка', 'Ответственный', 'Воронка', 'Стадия', 'Сумма', 'Валюта', 'Что не так', 'С'])
      const listed = [2, 3].map((n) => stalled.getRow(n)).map((row) => [formula(row.getCell(1)).result, row.getCell(3).value, row.getCell(4).value, row.getCell(7).value])
      expect(listed.sort()).toEqual([['Альфа: принтеры', 'Общая', 'Новая', 'Нет следующего шага'], ['Вектор: серверы', 'Общая', 'Новая', 'Следующий шаг просрочен']])
      expect(stalled.getRow(2).getCell(8).value).toBeInstanceOf(Date)
      expect(formula(stalled.getRow(4).getCell(2))).toEqual({ formula: 'COUNTA(A2:A3)', result: 2 })
    } finally {
      await other.close()
    }
  })
})

describe('the plan (LEAD-PLAN)', () => {
  const moscow = 'Europe/Moscow'
  const at = (date: string) => startOfDay(parseLocalDate(date)!, moscow)

  it('gives a period its share of the month’s plan by working time', () => {
    const working = portalCalendars(resolveRuleSettings({}), loadProductionCalendars())('ru')
    const round = { timeZone: moscow, calendar: ROUND_THE_CLOCK }
    // November 2026 in Russia: 20 working days, the 4th a holiday and the 3rd an hour short, 159 hours; 16–22 November
    // holds 40 of them: 40 × 40 / 159.
    expect(planFor(40, at('2026-11-16'), at('2026-11-23'), { timeZone: moscow, calendar: working })).toBe(10.1)
    expect(planFor(40, at('2026-11-01'), at('2026-12-01'), { timeZone: moscow, calendar: working })).toBe(40)
    // Round the clock, a week of a 30-day month is 7/30 of it; a week over two months takes from each.
    expect(planFor(30, at('2026-11-16'), at('2026-11-23'), round)).toBe(7)
    expect(planFor(31, at('2026-11-27'), at('2026-12-04'), round)).toBe(Math.round((31 * 4 / 30 + 31 * 3 / 31) * 10) / 10)
    expect(planFor(null, at('2026-11-16'), at('2026-11-23'), round)).toBeNull()
  })

  it('shows each manager’s plan and its fulfilment, and the total over the managers who have one', async () => {
    const directory = await h.store.directory.load(h.portal.memberId)
    const plans = { [String(PAVEL)]: { created: 4, converted: 2 } }
    const data = await reportOf({ store: h.store, directory }, h.portal.memberId, scopeOf(directory, salesId, 'ru')!, period, await frame(plans))
    const planned = planFor(4, data.fromMs, data.toMs, { timeZone, calendar: ROUND_THE_CLOCK })!
    const pavel = data.managers.find((row) => row.name === 'Павел Лебедев')!
    expect(pavel.leads).toMatchObject({ created: 2, planCreated: planned, planConverted: planFor(2, data.fromMs, data.toMs, { timeZone, calendar: ROUND_THE_CLOCK }) })
    expect(data.managers.find((row) => row.name === 'Анна Морозова')!.leads.planCreated).toBeNull()
    expect(data.total.leads.planCreated).toBe(planned)

    const path = join(dir, 'plan.xlsx')
    await writeWorkbook(data, createWriteStream(path), 'ru', new Date())
    const summary = (await new ExcelJS.Workbook().xlsx.readFile(path)).getWorksheet('Сводка')!
    expect(headers(summary).slice(8, 12)).toEqual(['План лидов', 'План лидов выполнен', 'План конверсий', 'План конверсий выполнен'])
    const row = [2, 3, 4].map((n) => summary.getRow(n)).find((r) => r.getCell(1).value === 'Павел Лебедев')!
    expect(row.getCell(9).value).toBe(planned)
    expect(row.getCell(10).value).toBeCloseTo(2 / planned)
    expect(row.getCell(10).numFmt).toBe('0.0%')
    // Anna has no plan: empty cells, not a zero.
    expect(summary.getRow(2).getCell(9).value).toBeNull()
    const total = summary.getRow(5)
    expect(formula(total.getCell(9))).toEqual({ formula: 'SUM(I2:I4)', result: planned })
    expect(formula(total.getCell(10)).formula).toBe('IF(SUM(I2:I4)>0,SUMIF(I2:I4,">0",B2:B4)/SUM(I2:I4),"")')
    // Only Pavel's two leads count against Pavel's plan, not Anna's.
    expect(formula(total.getCell(10)).result).toBeCloseTo(2 / planned)
  })
})

describe('the workbook as a stream', () => {
  it('waits for a slow reader: while nobody reads, it stops writing rows and holds little; read, it finishes whole', async () => {
    const data = reportOfRows(40_000)
    const out = new PassThrough()
    let rows = 0
    let finished = false
    const writing = writeWorkbook(data, out, 'ru', new Date(), (done) => { rows = done }).then(() => { finished = true })
    // Nobody reads: the writer must come to a stop well before the end, holding little in the stream.
    let before = -1
    for (let tick = 0; tick < 2_000 && rows !== before; tick++) {
      before = rows
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(finished).toBe(false)
    expect(rows).toBeLessThan(40_000 / 2)
    expect(out.readableLength + out.writableLength).toBeLessThan(256 * 1024)
    // Read, it goes to the end, and the file is whole.
    const chunks: Buffer[] = []
    out.on('data', (chunk: Buffer) => chunks.push(chunk))
    await writing
    const workbook = await new ExcelJS.Workbook().xlsx.load(Buffer.concat(chunks) as unknown as Parameters<ExcelJS.Xlsx['load']>[0])
    expect(workbook.getWorksheet('Лиды')!.rowCount).toBe(data.leads.length + 2)
  })
})

describe('the workbook', () => {
  it('has its sheets, headers, frozen header rows, filters, dates, money, percentages, totals and links', async () => {
    const { workbook, fileName } = await written()
    expect(fileName).toBe(`Отчет_Отдел-продаж_${isoDate(period.from)}_${isoDate(addDays(period.to, -1))}.xlsx`)
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Сводка', 'Лиды', 'Сделки', 'Задачи', 'Нарушения', 'Сделки без шага'])
    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
      expect(sheet.autoFilter).toBeTruthy()
      expect(sheet.getColumn(1).width).toBeGreaterThan(20)
    }
    const summary = workbook.getWorksheet('Сводка')!
    expect(headers(summary).slice(0, 5)).toEqual(['Менеджер', 'Лидов', 'Конвертировано', 'Некачественных', 'Конверсия'])
    // Three managers, then the total: sums with their cached results, the conversion as a formula too.
    const total = summary.getRow(5)
    expect(total.getCell(1).value).toBe('Итого')
    expect(formula(total.getCell(2))).toEqual({ formula: 'SUM(B2:B4)', result: 3 })
    expect(formula(total.getCell(3))).toEqual({ formula: 'SUM(C2:C4)', result: 1 })
    expect(formula(total.getCell(5)).formula).toBe('IF(B5>0,C5/B5,"")')
    expect(formula(total.getCell(5)).result).toBeCloseTo(1 / 3)
    expect(total.getCell(5).numFmt).toBe('0.0%')
    expect(formula(total.getCell(22)).result).toBe(0.5)
    expect(total.getCell(22).numFmt).toBe('0.0%')
    const anna = summary.getRow(2)
    expect(anna.getCell(1).value).toBe('Анна Морозова')
    expect(anna.getCell(13).value).toBe(2)

    const leads = workbook.getWorksheet('Лиды')!
    expect(headers(leads)).toEqual(['Лид', 'Ответственный', 'Создан', 'Статус', 'Итог', 'Первый контакт', 'Просрочен первый контакт'])
    const first = leads.getRow(2)
    expect(formula(first.getCell(1))).toEqual({ formula: `HYPERLINK("${await origin()}/crm/lead/details/${ids.called}/","Альфа: принтер")`, result: 'Альфа: принтер' })
    const created = first.getCell(3).value
    expect(created).toBeInstanceOf(Date)
    expect(first.getCell(3).numFmt).toBe('dd.mm.yyyy hh:mm')
    // The portal's wall clock (Moscow, UTC+3) written as the cell's time: Excel shows what the portal shows.
    const lead = (await h.store.mirror.get(h.portal.memberId, 'lead', ids.called!))!.snapshot
    const createdAt = Date.parse(String(lead.DATE_CREATE))
    expect(Math.abs((created as Date).getTime() - (createdAt + 3 * HOUR))).toBeLessThan(1000)
    expect(first.getCell(5).value).toBe('Конвертирован')
    // Statuses, pipelines and stages by the portal's own names (crm.status.list, crm.category.list).
    expect(first.getCell(4).value).toBe('Качественный лид')
    expect(formula(leads.getRow(5).getCell(2))).toEqual({ formula: 'COUNTA(A2:A4)', result: 3 })

    const deals = workbook.getWorksheet('Сделки')!
    expect(headers(deals)).toEqual(['Сделка', 'Воронка', 'Стадия', 'Ответственный', 'Создана', 'Сумма', 'Валюта', 'Итог', 'Без следующего шага', 'Следующий шаг просрочен'])
    const quoted = deals.getRow(3)
    expect(formula(quoted.getCell(1))).toEqual({ formula: `HYPERLINK("${await origin()}/crm/deal/details/${ids.switch}/","Бета: ""коммутатор""")`, result: 'Бета: "коммутатор"' })
    expect(quoted.getCell(6).value).toBe(2000)
    expect(quoted.getCell(6).numFmt).toBe(moneyFormat('RUB'))
    expect(quoted.getCell(6).numFmt).toContain('₽')
    expect(quoted.getCell(9).value).toBe('да')
    expect(deals.getRow(4).getCell(6).numFmt).toContain('$')
    expect(deals.getRow(4).getCell(8).value).toBe('Выиграна')
    expect([quoted.getCell(2).value, quoted.getCell(3).value]).toEqual(['Общая', 'Новая'])
    expect(deals.getRow(4).getCell(3).value).toBe('Сделка успешна')
    // Totals per currency: the formula and its cached result equal to the rows' sum.
    expect(deals.getRow(5).getCell(1).value).toBe('Итого RUB')
    expect(formula(deals.getRow(5).getCell(6))).toEqual({ formula: 'SUMIF(G2:G4,"RUB",F2:F4)', result: 3000.5 })
    expect(formula(deals.getRow(6).getCell(6))).toEqual({ formula: 'SUMIF(G2:G4,"USD",F2:F4)', result: 100 })
    expect(formula(deals.getRow(5).getCell(2))).toEqual({ formula: 'COUNTIF(G2:G4,"RUB")', result: 2 })

    const tasks = workbook.getWorksheet('Задачи')!
    expect(headers(tasks)[0]).toBe('Задача')
    const taskLinks = [2, 3].map((row) => formula(tasks.getRow(row).getCell(1)).formula)
    expect(taskLinks).toContain(`HYPERLINK("${await origin()}/company/personal/user/0/tasks/task/view/${ids.late}/","РЗ Подписать акт")`)
    expect([tasks.getRow(2).getCell(5).value, tasks.getRow(3).getCell(5).value].sort()).toEqual(['Вовремя', 'Просрочена'])

    const violations = workbook.getWorksheet('Нарушения')!
    expect(headers(violations)).toEqual(['Правило', 'Запись', 'Ответственный', 'Открыто', 'Решено', 'Как решено', 'Извинено', 'Кем извинено', 'Причина', 'Эскалировано'])
    const rows = [2, 3, 4, 5].map((n) => violations.getRow(n))
    const excused = rows.find((row) => row.getCell(9).value === 'Клиент в отпуске')!
    expect(formula(excused.getCell(2)).formula).toBe(`HYPERLINK("${await origin()}/crm/deal/details/${ids.servers}/","Вектор: серверы")`)
    expect(excused.getCell(7).value).toBeInstanceOf(Date)
    expect(excused.getCell(8).value).toBe('Дмитрий Соколов')
    expect(rows.every((row) => row.getCell(4).value instanceof Date)).toBe(true)
    expect(formula(violations.getRow(6).getCell(2))).toEqual({ formula: 'COUNTA(B2:B5)', result: 4 })
  })

  it('is in English when the portal’s language is not Russian-speaking', async () => {
    await h.store.portals.install({ ...(await portal()), language: 'en' })
    try {
      const { workbook, fileName } = await written(scopeOf(await h.store.directory.load(h.portal.memberId), undefined, 'en')!)
      expect(fileName).toMatch(/^Report_All-departments_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/)
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Leads', 'Deals', 'Tasks', 'Violations', 'Deals without a step'])
      expect(headers(workbook.getWorksheet('Leads')!)[0]).toBe('Lead')
    } finally {
      await h.store.portals.install({ ...(await portal()), language: 'ru' })
    }
  })

  it('is in English on a Russian portal whose settings ask for it (reports.language)', async () => {
    expect((await h.app.portalSettings.save(h.portal.memberId, { reports: { language: 'en' } }, String(ADMIN))).ok).toBe(true)
    try {
      const { workbook, fileName } = await written()
      expect(fileName).toMatch(/^Report_Отдел-продаж_/)
      expect(workbook.worksheets.map((sheet) => sheet.name)[0]).toBe('Summary')
      expect(headers(workbook.getWorksheet('Deals')!)[0]).toBe('Deal')
    } finally {
      h.app.portalSettings.save(h.portal.memberId, {}, String(ADMIN))
    }
  })
})

describe('npm run report', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', 'src/reports/cli.ts', ...args], { env: { ...process.env, B24_CLIENT_SECRET: h.config.clientSecret, ...env, LOG_LEVEL: 'silent' }, timeout: 60_000 })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code?: number; stdout: string; stderr: string }) => ({ code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }))

  it('writes the department’s workbook from a real SQLite file, and says in one line what is wrong', async () => {
    // The app's own file, read beside it as an operator would (WAL lets a second connection read), under the app's token key.
    const database = join(dir, 'app.db')
    const out = join(dir, 'cli.xlsx')
    // Both days included, as people write a period; the report's [from, to) ends the day after.
    const from = isoDate(period.from)
    const to = isoDate(addDays(period.to, -1))
    const ok = await cli(['--portal', h.portal.memberId, '--from', from, '--to', to, '--department', salesId, '--out', out], { DATABASE_PATH: database })
    expect(ok.stderr).toContain(`wrote ${out}: 3 leads, 3 deals, 2 tasks, 4 violations`)
    expect(ok.stderr).toMatch(/report: \d+\/\d+ rows/)
    expect(ok.code).toBe(0)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(out)
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Сводка', 'Лиды', 'Сделки', 'Задачи', 'Нарушения', 'Сделки без шага'])
    expect(formula(workbook.getWorksheet('Сводка')!.getRow(5).getCell(2)).result).toBe(3)

    const unknown = await cli(['--portal', 'no-such-portal', '--from', from, '--to', to, '--out', out], { DATABASE_PATH: database })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe(`report: unknown portal "no-such-portal": no such member_id in ${database}`)
    const badDate = await cli(['--portal', h.portal.memberId, '--from', '2026-02-30', '--to', to], { DATABASE_PATH: database })
    expect(badDate.stderr.trim()).toBe('report: --from "2026-02-30" is not a date (YYYY-MM-DD)')
    const backwards = await cli(['--portal', h.portal.memberId, '--from', to, '--to', from], { DATABASE_PATH: database })
    expect(backwards.code).toBe(1)
    expect(backwards.stderr.trim()).toBe(`report: --to ${from} is before --from ${to}`)
  }, 120_000)
})

describe('POST /app/reports/download', () => {
  const sessions = () => new PageSessions(h.config.clientSecret, () => new Date(h.now()))
  const download = (payload: object, userId?: number, isAdmin = false) => h.app.inject({
    method: 'POST', url: '/app/reports/download', payload,
    headers: userId === undefined ? {} : { 'x-rules-session': sessions().issue(h.portal.memberId, userId, isAdmin) },
  })
  const body = () => ({ from: isoDate(period.from), to: isoDate(addDays(period.to, -1)) })

  it('streams the head’s department as an attachment exceljs reads', async () => {
    const reply = await download({ ...body(), department: salesId }, SOKOLOV)
    expect(reply.statusCode).toBe(200)
    const name = `Отчет_Отдел-продаж_${isoDate(period.from)}_${isoDate(addDays(period.to, -1))}.xlsx`
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="report.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
    expect(reply.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(reply.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Сводка', 'Лиды', 'Сделки', 'Задачи', 'Нарушения', 'Сделки без шага'])
    expect(formula(workbook.getWorksheet('Сводка')!.getRow(5).getCell(2)).result).toBe(3)
    // Without a department: the head's own people.
    expect((await download(body(), SOKOLOV)).statusCode).toBe(200)
    // An administrator: everyone, or any department.
    const all = await download(body(), ADMIN, true)
    expect(all.statusCode).toBe(200)
    expect(all.headers['content-disposition']).toContain(encodeURIComponent('Отчет_Все-отделы_'))
    expect((await download({ ...body(), department: commercialId }, ADMIN, true)).statusCode).toBe(200)
  })

  it('is offered on the dashboard: last week by default, fetched with the page session', async () => {
    const page = await h.portal.openApp({ url: `${h.url}/app`, userId: SOKOLOV })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<form id="report-form" data-session="')
    expect(page.body).toContain("fetch('/app/reports/download'")
    expect(page.body).toMatch(/name="from" value="\d{4}-\d{2}-\d{2}"/)
  })

  it('refuses without a session (401), a department one does not head (403), a manager (403), a bad period (400)', async () => {
    expect((await download(body())).statusCode).toBe(401)
    expect((await download({ ...body(), department: salesId }, ANNA)).statusCode).toBe(403)
    expect((await download(body(), ANNA)).statusCode).toBe(403)
    const above = await download({ ...body(), department: commercialId }, SOKOLOV)
    expect(above.statusCode).toBe(403)
    expect(above.json()).toMatchObject({ error: 'NOT_THE_HEAD' })
    expect((await download({ from: body().to, to: body().from }, SOKOLOV)).statusCode).toBe(400)
    expect((await download({ from: '2026-13-01', to: body().to }, SOKOLOV)).statusCode).toBe(400)
  })
})
