// The list rows written as XML straight into exceljs 4.4.0's streaming sheet: byte for byte the XML exceljs writes for
// the same cells (test/reports/row-xml.test.ts compares whole workbooks), without the Row, the Cells, their models and
// their style look-ups exceljs makes for every cell — most of a large report's writing time.
import { createRequire } from 'node:module'
import ExcelJS from 'exceljs'
import { columnLetter, type Cell } from './excel-cells.js'

type Style = Partial<ExcelJS.Style>

// exceljs's own text escaping and date serial, so that the same text and the same date give the same XML.
const { xmlEncode, dateToExcel } = createRequire(import.meta.url)('exceljs/lib/utils/utils.js') as {
  xmlEncode: (text: string) => string
  dateToExcel: (date: Date, date1904?: boolean) => number
}

// What of exceljs's WorksheetWriter this relies on: the rows not yet written (`_rows`), the number of the next one
// (`_rowZero` once `_rows` is empty), whether `<sheetData>` is open, and the sheet's zip entry.
interface SheetInternals {
  _rows: unknown[]
  _rowZero: number
  startedData?: boolean
  stream: { write(xml: string): unknown }
  lastRow?: ExcelJS.Row
}
interface Styles { addStyleModel(style: Style, cellType?: number): number }

const { ValueType } = ExcelJS
// Rows kept as one text before they go to the sheet's entry: one write, one Buffer, for many rows.
const FLUSH_CHARS = 64 * 1024

/** Rows of one sheet as XML, for exceljs's own streaming writer only (see `rowXmlWriter`). */
export class RowXmlWriter {
  #xml = ''
  // Style ids by number format ('' for none), and the columns' letters, found once.
  readonly #ids = new Map<string, number>()
  readonly #columns: string[] = []

  constructor(private readonly sheet: SheetInternals, private readonly styles: Styles, private readonly styleOf: (format: string | undefined) => Style) {}

  /**
   * Writes a row of `values` with their number `formats` (by column; none: no format) as exceljs would, and true; false,
   * writing nothing, for a row holding a value it does not write (exceljs writes that row, after `flush`).
   */
  add(values: Cell[], formats: ReadonlyArray<string | undefined>): boolean {
    const { sheet } = this
    // The rows exceljs holds go first (the header row): then the next row's number is `_rowZero`.
    if (sheet._rows.length > 0) {
      this.flush()
      sheet.lastRow?.commit()
    }
    if (!sheet.startedData || sheet._rows.length > 0 || !values.every((value) => value === undefined || typeOf(value) !== undefined)) return false
    // exceljs makes a cell of every value but undefined, and starts at column A only when the array has an item 0.
    if (values.length > 0 && !Object.hasOwn(values, 0)) return false
    const number = sheet._rowZero
    // As exceljs: the row's style first, then its cells' in order (a style's id is given when it is first seen).
    const rowStyle = this.#id(undefined, undefined)
    let cells = ''
    let min = 0
    let max = 0
    let valued = false
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      if (value === undefined) continue
      const type = typeOf(value)!
      if (min === 0) min = i + 1
      max = i + 1
      if (type !== ValueType.Null) valued = true
      cells += this.#cell(`${this.#column(i)}${number}`, value, type, this.#id(formats[i], effectiveType(value, type)))
    }
    // exceljs leaves out a row with no value at all, and goes on to the next number.
    sheet._rowZero = number + 1
    if (!valued) return true
    const spans = min > 0 && max > 0 ? ` spans="${min}:${max}"` : ''
    this.#xml += `<row r="${number}"${spans}${rowStyle ? ` s="${rowStyle}" customFormat="1"` : ''} x14ac:dyDescent="0.25">${cells}</row>`
    if (this.#xml.length >= FLUSH_CHARS) this.flush()
    return true
  }

  /** Hands the rows written so far to the sheet's zip entry; before anything else is written to the sheet. */
  flush(): void {
    if (this.#xml === '') return
    this.sheet.stream.write(this.#xml)
    this.#xml = ''
  }

  #column(index: number): string {
    return (this.#columns[index] ??= columnLetter(index + 1))
  }

  // The style's id as exceljs gives it: asked once a format, with the type of the cell it is first seen on.
  #id(format: string | undefined, type: number | undefined): number {
    const key = format ?? ''
    let id = this.#ids.get(key)
    if (id === undefined) this.#ids.set(key, (id = this.styles.addStyleModel(this.styleOf(format), type)))
    return id
  }

  // One cell as exceljs's CellXform renders it: `r`, then `s`, then `t`; null written only when it has a style.
  #cell(address: string, value: Cell, type: number, styleId: number): string {
    const open = styleId ? `<c r="${address}" s="${styleId}"` : `<c r="${address}"`
    switch (type) {
      case ValueType.Null:
        return styleId ? `${open}/>` : ''
      case ValueType.Number:
        return `${open}><v>${String(value)}</v></c>`
      case ValueType.String:
        return `${open} t="str"><v>${xmlEncode(value as string)}</v></c>`
      case ValueType.Date:
        return `${open}><v>${dateToExcel(value as Date)}</v></c>`
      default: {
        const { formula, result } = value as { formula: string; result: string | number }
        if (typeof result === 'string') return `${open} t="str"><f>${xmlEncode(formula)}</f><v>${xmlEncode(result)}</v></c>`
        return `${open}><f>${xmlEncode(formula)}</f><v>${String(result)}</v></c>`
      }
    }
  }
}

// The type exceljs finds a cell's style with: a formula's is its result's.
function effectiveType(value: Cell, type: number): number {
  if (type !== ValueType.Formula) return type
  return typeof (value as { result: unknown }).result === 'string' ? ValueType.String : ValueType.Number
}

// The cell's type as exceljs sees it, or undefined for what this does not write (booleans, rich text, hyperlinks…).
function typeOf(value: Cell): number | undefined {
  if (value === null) return ValueType.Null
  if (typeof value === 'number') return ValueType.Number
  if (typeof value === 'string') return ValueType.String
  if (value instanceof Date) return ValueType.Date
  // A formula with a text or number result and nothing else (no shared formula, no array).
  if (typeof value === 'object' && 'formula' in value && typeof value.formula === 'string' && value.formula !== '' && Object.keys(value).length === 2
    && (typeof value.result === 'string' || typeof value.result === 'number')) return ValueType.Formula
  return undefined
}

/**
 * A RowXmlWriter for `worksheet` when it is exceljs's own streaming sheet (whose internals it knows), undefined for
 * another library's, which then writes every row itself.
 */
export function rowXmlWriter(workbook: ExcelJS.stream.xlsx.WorkbookWriter, worksheet: ExcelJS.Worksheet,
  styleOf: (format: string | undefined) => Style): RowXmlWriter | undefined {
  if (workbook.constructor !== ExcelJS.stream.xlsx.WorkbookWriter) return undefined
  const styles = (workbook as unknown as { styles?: Styles }).styles
  const sheet = worksheet as unknown as Partial<SheetInternals>
  if (!styles || !Array.isArray(sheet._rows) || typeof sheet._rowZero !== 'number') return undefined
  return new RowXmlWriter(sheet as SheetInternals, styles, styleOf)
}
