// npm run report -- --portal <member_id> --from 2026-11-01 --to 2026-12-01 [--department <id>] [--out file.xlsx]
// Writes one portal's report for the local dates [from, to) from the store (PostgreSQL at DATABASE_URL, else the SQLite file at
// DATABASE_PATH), as the server reads it.
import { createWriteStream, existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadProductionCalendars } from '../settings/calendar-files.js'
import { loadConfig } from '../config.js'
import { PortalSettings } from '../settings/portal-settings.js'
import { loadRulesFile } from '../settings/rule-settings.js'
import { systemClock } from '../shared/clock.js'
import { openStoreFor } from '../store/open.js'
import { languageOf } from '../notify/messages.js'
import { AppError } from '../shared/app-error.js'
import { parsePeriod, prepareReportSource, scopeOf } from './report.js'
import { rowsCount } from './report-types.js'
import { writeWorkbook } from './workbook.js'
import { errorMessage } from '../shared/errors.js'

const USAGE = 'usage: npm run report -- --portal <member_id> --from YYYY-MM-DD --to YYYY-MM-DD [--department <id>] [--out file.xlsx]'

class CliError extends Error {}

async function main(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, options: {
      portal: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, department: { type: 'string' }, out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new CliError(`${errorMessage(error)}\n${USAGE}`)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const portalId = values.portal as string | undefined
  const from = values.from as string | undefined
  const to = values.to as string | undefined
  if (!portalId || !from || !to) throw new CliError(`--portal, --from and --to are required\n${USAGE}`)
  const period = parsePeriod(from, to)
  if ('error' in period) throw new CliError(period.error)

  const config = loadConfig()
  const onSqlite = config.databaseUrl === undefined
  if (onSqlite && config.databasePath !== ':memory:' && !existsSync(config.databasePath)) throw new CliError(`no database at DATABASE_PATH ${config.databasePath}`)
  const store = await openStoreFor(config, systemClock)
  try {
    const portal = await store.portals.get(portalId)
    const where = onSqlite ? config.databasePath : 'the PostgreSQL store at DATABASE_URL'
    if (!portal) throw new CliError(`unknown portal ${JSON.stringify(portalId)}: no such member_id in ${where}`)
    const settings = new PortalSettings({ store, rulesFile: loadRulesFile(config.rulesFile), production: loadProductionCalendars(), source: 'RULES_FILE' })
    const directory = await store.directory.load(portal.memberId)
    const department = values.department as string | undefined
    const scope = scopeOf(directory, department, languageOf(portal.language))
    if (!scope) throw new CliError(`unknown department ${JSON.stringify(department)} on portal ${portal.domain}`)
    const { data, lang, fileName } = await prepareReportSource({ store, settings, directory }, portal, scope, period)
    const out = (values.out as string | undefined) ?? fileName
    const file = createWriteStream(out)
    const opened = new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject))
    await opened.catch((error: Error) => {
      throw new CliError(`cannot write ${out}: ${error.message}`)
    })
    await writeWorkbook(data, file, lang, systemClock(), progress())
    if (process.stderr.isTTY) process.stderr.write('\n')
    process.stderr.write(`wrote ${out}: ${rowsCount(data.leads)} leads, ${rowsCount(data.deals)} deals, ${rowsCount(data.tasks)} tasks, ${rowsCount(data.violations)} violations\n`)
  } finally {
    await store.close()
  }
}

// A bar redrawn in place on a terminal; plain lines otherwise (a log, a pipe).
function progress(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY
  let lastLine = -1
  return (done, total) => {
    const share = total === 0 ? 1 : done / total
    if (tty) {
      const width = 30
      const filled = Math.round(share * width)
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total} rows`)
    } else {
      const tenth = Math.floor(share * 10)
      if (tenth !== lastLine) {
        lastLine = tenth
        process.stderr.write(`report: ${done}/${total} rows\n`)
      }
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof CliError || error instanceof AppError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(`report: ${message}\n`)
  process.exit(1)
})
