// The list rows written as XML (src/reports/row-xml.ts) against exceljs writing the same rows itself: every file of
// the workbook the same, byte for byte — texts to escape, empty titles, control characters, dates, durations, money in
// several currencies, the totals and the stages, in Russian and in English.
import { PassThrough } from 'node:stream'
import { inflateRawSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { Lang } from '../../src/reports/excel-cells.js'
import type { ReportData } from '../../src/reports/report-types.js'
import { writeWorkbook } from '../../src/reports/workbook.js'
import { reportOfRows } from '../bench/report-rows.js'

// A writer that is not exceljs's own class: writeWorkbook leaves every row of it to exceljs.
class ExceljsRows extends ExcelJS.stream.xlsx.WorkbookWriter {}

const CREATED = new Date('2026-12-01T09:00:00Z')

async function written(data: ReportData, lang: Lang, Writer: typeof ExcelJS.stream.xlsx.WorkbookWriter): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  await writeWorkbook(data, out, lang, CREATED, () => {}, Writer)
  return Buffer.concat(chunks)
}

/** A zip's files by name, uncompressed, read from its central directory. */
function filesOf(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = zip.readUInt16LE(end + 10)
  const files = new Map<string, string>()
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    const [method, size, nameLength, extraLength, commentLength, local] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 20), zip.readUInt16LE(at + 28),
      zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32), zip.readUInt32LE(at + 42)]
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const stored = zip.subarray(start, start + size)
    files.set(name, (method === 8 ? inflateRawSync(stored) : stored).toString('utf8'))
    at += 46 + nameLength + extraLength + commentLength
  }
  return files
}

// exceljs stamps the file's modification with the moment it is written: the one line two writings may not share.
const unstamped = (files: Map<string, string>) => new Map([...files].map(([name, text]) => [name, text.replace(/<dcterms:modified[^<]*<\/dcterms:modified>/, '')]))

// The bench's report with the texts a portal may hold: quotes, ampersands, angle brackets, apostrophes, control characters.
function awkward(): ReportData {
  const data = reportOfRows(3_000)
  data.leads[0] = { ...data.leads[0]!, title: `ООО «Рога & Копыта» <тест> 'кавычки' "двойные"\u0001\u007f\tтаб`, responsible: 'Д\'Артаньян' }
  data.leads[1] = { ...data.leads[1]!, title: '', contactMs: 0, breached: false }
  data.deals[0] = { ...data.deals[0]!, title: '', amount: 0, currency: 'EUR', stageId: 'UNKNOWN', categoryId: '7' }
  data.deals[1] = { ...data.deals[1]!, amount: -1_234.5, currency: 'X"Y' }
  data.tasks[0] = { ...data.tasks[0]!, deadline: null, createdAt: null }
  data.violations[0] = { ...data.violations[0]!, recordTitle: 'a'.repeat(300), excuse: '<script>&amp;</script>', resolvedAt: Number.NaN }
  data.stalled = [
    { id: '9', title: 'Тендер "Север"', url: 'https://vector.bitrix24.ru/crm/deal/details/9/', responsible: 'Анна', categoryId: '2', stageId: 'NEW', amount: 10.5, currency: 'USD', problem: 'none', since: Date.parse('2026-11-03T10:00:00Z') },
    { id: '10', title: '', url: 'https://vector.bitrix24.ru/crm/deal/details/10/', responsible: '', categoryId: '0', stageId: 'WON', amount: 0, currency: 'RUB', problem: 'overdue', since: Date.parse('2026-10-26T00:30:00Z') },
  ]
  return data
}

describe('the list rows written as XML', () => {
  it('make the same workbook, file for file, as exceljs writing them itself', async () => {
    for (const [data, lang] of [[awkward(), 'ru'], [reportOfRows(1_000), 'en'], [reportOfRows(0), 'ru']] as const) {
      const direct = unstamped(filesOf(await written(data, lang, ExcelJS.stream.xlsx.WorkbookWriter)))
      const byExceljs = unstamped(filesOf(await written(data, lang, ExceljsRows)))
      expect([...direct.keys()]).toEqual([...byExceljs.keys()])
      for (const [name, text] of byExceljs) expect(direct.get(name), name).toBe(text)
    }
  })

  it('are the rows exceljs reads back', async () => {
    const data = awkward()
    const workbook = await new ExcelJS.Workbook().xlsx.load(await written(data, 'ru', ExcelJS.stream.xlsx.WorkbookWriter) as unknown as Parameters<ExcelJS.Xlsx['load']>[0])
    const leads = workbook.getWorksheet('Лиды')!
    expect(leads.rowCount).toBe(data.leads.length + 2)
    expect(leads.getRow(2).getCell(1).value).toMatchObject({ result: `ООО «Рога & Копыта» <тест> 'кавычки' "двойные"\tтаб` })
    expect(leads.getRow(3).getCell(1).value).toMatchObject({ result: `#${data.leads[1]!.id}` })
    expect(workbook.getWorksheet('Сделки без шага')!.getRow(2).getCell(8).value).toBeInstanceOf(Date)
  })
})
