// The workbook's vocabulary: number formats, sheet names, the words it repeats, and small cell helpers.
import type ExcelJS from 'exceljs'
import type { Text } from '../../rules/types.js'

export type Lang = 'ru' | 'en'
export type Cell = ExcelJS.CellValue
export interface Column { header: Text; width: number }

export const DATE = 'dd.mm.yyyy hh:mm'
export const DURATION = '[h]:mm'
export const PERCENT = '0.0%'
export const COUNT = '0'
export const PLAN = '0.0'

export const SHEETS = {
  summary: { ru: 'Сводка', en: 'Summary' },
  leads: { ru: 'Лиды', en: 'Leads' },
  deals: { ru: 'Сделки', en: 'Deals' },
  tasks: { ru: 'Задачи', en: 'Tasks' },
  violations: { ru: 'Нарушения', en: 'Violations' },
  stalled: { ru: 'Сделки без шага', en: 'Deals without a step' },
} satisfies Record<string, Text>

/** A text in both languages. */
export const t = (ru: string, en: string): Text => ({ ru, en })
export const TOTAL = t('Итого', 'Total')
export const YES = t('да', 'yes')

const SIGNS: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', KZT: '₸', BYN: 'Br', UAH: '₴' }

/** The currency's number format: the amount with two decimals and the currency's sign or code. */
export function moneyFormat(currency: string): string {
  return `#,##0.00 "${(SIGNS[currency] ?? currency).replace(/"/g, '')}"`
}

/** A count of a column's rows 2..last as a formula with its result (a plain 0 when there are none). */
export function countOf(column: string, last: number, result: number): Cell {
  return last < 2 ? { formula: '0', result: 0 } : { formula: `COUNTA(${column}2:${column}${last})`, result }
}

/** An Excel string literal: quotes doubled. */
export function quoted(text: string): string {
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`
}

/** Rounded to kopecks. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** A, B, …, Z, AA… for a 1-based column number. */
export function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}
