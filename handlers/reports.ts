// POST /app/reports/download: a page session's user downloads the Excel report of a period, streamed as it is written.
// An administrator may ask for any department or everyone; a head for the departments they head (and their
// sub-departments) or their own people; anyone else gets 403.
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { peopleUnder } from '../rules/directory.js'
import { languageOf } from '../src/notify/messages.js'
import { BadRequestError, ForbiddenError } from '../src/shared/app-error.js'
import { departmentsHeadedBy } from '../rules/directory.js'
import { supervisorScope, type ReportScope } from '../src/reports/report-data.js'
import { parsePeriod, prepareReportSource, scopeOf } from '../src/reports/report.js'
import { writeWorkbook } from '../src/reports/workbook.js'
import { parseBody, sessionOf, type PageDeps } from './pages.js'

/** What the download needs. */
export type ReportDeps = Pick<PageDeps, 'store' | 'sessions' | 'rules' | 'settings' | 'now'>

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const download = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  department: z.union([z.string().regex(/^\d+$/), z.number().int().positive().transform(String)]).optional(),
})

/** Registers the report download. */
export function reportRoutes(app: FastifyInstance, deps: ReportDeps): void {
  app.post('/app/reports/download', async (request, reply) => {
    const { session, portal } = await sessionOf(deps, request)
    const body = parseBody(download, request.body)
    const period = parsePeriod(body.from, body.to)
    if ('error' in period) throw new BadRequestError(period.error.replace(/--/g, ''), 'BAD_PERIOD')
    const directory = await deps.rules.directory(portal.memberId)
    const lang = languageOf(portal.language)
    const userId = String(session.userId)
    let scope: ReportScope | undefined
    if (body.department !== undefined) {
      if (!session.isAdmin && !departmentsHeadedBy(directory, userId).has(body.department)) {
        throw new ForbiddenError('Only the department’s head or an administrator may download its report', 'NOT_THE_HEAD')
      }
      scope = scopeOf(directory, body.department, lang)
      if (!scope) throw new BadRequestError(`No department ${body.department}`, 'NO_SUCH_DEPARTMENT')
    } else if (session.isAdmin) {
      scope = scopeOf(directory, undefined, lang)!
    } else {
      const overrides = (await deps.settings.of(portal.memberId)).supervisors
      if (peopleUnder(directory, userId, overrides).size === 0) throw new ForbiddenError('Reports are for supervisors and administrators', 'NOT_A_SUPERVISOR')
      scope = supervisorScope(directory, userId, overrides, lang)
    }
    // The figures are counted first; the lists are read from the store as the download takes them.
    const { data, fileName } = await prepareReportSource({ store: deps.store, settings: deps.settings, directory }, portal, scope, period)
    const body$ = new PassThrough()
    writeWorkbook(data, body$, lang, deps.now()).catch((error: unknown) => {
      request.log.error({ err: error }, 'the report could not be written')
      body$.destroy(error instanceof Error ? error : new Error(String(error)))
    })
    return reply
      .header('content-type', XLSX)
      .header('content-disposition', `attachment; filename="report.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
      .header('cache-control', 'no-store')
      .send(body$)
  })
}
