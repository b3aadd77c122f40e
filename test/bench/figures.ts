// The benchmark's one table: each scenario's measured figure beside its floor or baseline measured in the same run, the
// ratio, the target and whether it is met. Phases in other processes append their rows to BENCH_FIGURES (JSON lines).
import { appendFileSync, existsSync, readFileSync } from 'node:fs'

/** What a figure must do: stay within (or reach) a multiple of its baseline, or stay within (or reach) an absolute value. */
export type Target = { atMostTimes: number } | { atLeastTimes: number } | { atMost: number } | { atLeast: number }

/** One row of the table. */
export interface Figure {
  scenario: string
  unit: string
  measured: number
  /** The floor or baseline, measured (or counted) in the same run, and what it is. */
  baseline: number
  baselineIs: string
  ratio: number
  target: string
  met: boolean
}

/** A row from its measured figure, baseline and target. */
export function figure(scenario: string, unit: string, measured: number, baseline: number, baselineIs: string, target: Target): Figure {
  const ratio = baseline === 0 ? Number.NaN : measured / baseline
  const base = baselineIs.split(':')[0]
  const [met, words] = 'atMostTimes' in target ? [ratio <= target.atMostTimes, `≤ ${target.atMostTimes}× ${base}`]
    : 'atLeastTimes' in target ? [ratio >= target.atLeastTimes, `≥ ${target.atLeastTimes}× ${base}`]
    : 'atMost' in target ? [measured <= target.atMost, `≤ ${target.atMost.toLocaleString('en')} ${unit}`]
    : [measured >= target.atLeast, `≥ ${target.atLeast.toLocaleString('en')} ${unit}`]
  return { scenario, unit, measured, baseline, baselineIs, ratio, target: words, met }
}

/** Keeps `row` for the table: in BENCH_FIGURES when a parent run collects them, else only printed by the caller. */
export function record(row: Figure): Figure {
  const path = process.env.BENCH_FIGURES
  if (path) appendFileSync(path, `${JSON.stringify(row)}\n`)
  return row
}

/** The rows the phases kept in `path`. */
export function collected(path: string): Figure[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Figure)
}

const round = (n: number) => (Number.isFinite(n) ? (Number.isInteger(n) || Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3)) : '—')

/** The rows as a table, a line each. */
export function table(rows: readonly Figure[]): string {
  const cells = rows.map((row) => [row.scenario, `${round(row.measured)} ${row.unit}`, `${round(row.baseline)} (${row.baselineIs})`, `${round(row.ratio)}×`, row.target, row.met ? 'met' : 'NOT met'])
  const head = ['scenario', 'measured', 'floor or baseline (same run)', 'ratio', 'target', '']
  const widths = head.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)))
  const line = (values: readonly string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n')
}

/** Prose goes to stdout, or to stderr under --json (BENCH_JSON), where stdout carries only the table's JSON. */
export function print(line = ''): void {
  ;(process.env.BENCH_JSON ? process.stderr : process.stdout).write(`${line}\n`)
}
