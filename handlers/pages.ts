// The pages inside the portal: POST /placements/deal and /placements/lead (the card tabs) and their requests.
// Every frame is verified with the stored portal first; the page's own requests carry a signed session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { resolvedCalendarSettings } from '../rules/calendar/portal-calendar.js'
import { supervisorOf } from '../rules/directory.js'
import { responsibleOf } from '../rules/record.js'
import type { Entity } from '../rules/types.js'
import type { RulePages } from '../src/queries/pages.js'
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../src/shared/app-error.js'
import type { PageSession, PageSessions } from '../src/auth/page-sessions.js'
import { SESSION_HEADER } from '../src/auth/page-sessions.js'
import type { PortalAuth } from '../src/auth/portal-auth.js'
import type { SettingsSource } from '../src/settings/portal-settings.js'
import { recordStatus } from '../src/queries/record-status.js'
import { applicationTokenMatches } from '../src/auth/secrets.js'
import type { StorePort } from '../src/store/port.js'
import type { Portal } from '../src/store/portals.js'
import type { Worker } from '../src/ingest/worker.js'
import { languageOf } from '../src/notify/messages.js'
import { page } from '../placements/html.js'
import { html } from '../placements/html.js'
import { recordTabPage } from '../placements/record-tab.js'
import { failureBody } from '../placements/failure.js'
import { failureOf, type Failure } from './failure.js'
import { frameAncestors } from './frame.js'
import { asFields } from './install.js'
import { parsePageFrame } from './page-payload.js'
import { issueLine } from '../src/shared/zod-issues.js'

/** What the pages need. */
export interface PageDeps {
  store: StorePort
  auth: PortalAuth
  sessions: PageSessions
  rules: RulePages
  worker: Pick<Worker, 'refresh'>
  settings: SettingsSource
  now: () => Date
}

const TABS: Record<string, Entity> = { deal: 'deal', lead: 'lead' }

const recheck = z.object({ entity: z.enum(['deal', 'lead']), id: z.string().regex(/^\d+$/) })
const excuse = z.object({ violationId: z.number().int().positive(), reason: z.string().trim().min(3, 'must say why').max(500), entity: z.enum(['deal', 'lead']), recordId: z.string().regex(/^\d+$/) })

/** Registers the card tabs and their requests. */
export function pageRoutes(app: FastifyInstance, deps: PageDeps): void {
  for (const [path, entity] of Object.entries(TABS)) {
    app.post(`/placements/${path}`, async (request, reply) => {
      const fields = { ...asFields(request.query), ...asFields(request.body) }
      const lang = languageOf(typeof fields.LANG === 'string' ? fields.LANG : null)
      try {
        const frame = parsePageFrame(fields)
        const { portal, who } = await verifyFrame(deps, frame)
        if (!frame.recordId) throw new BadRequestError('The tab was opened without a record (PLACEMENT_OPTIONS.ID)', 'NO_RECORD')
        const session = deps.sessions.issue(portal.memberId, who.userId, who.isAdmin)
        return await sendTab(deps, reply, portal, { memberId: portal.memberId, userId: who.userId, isAdmin: who.isAdmin, expiresAt: 0 }, entity, frame.recordId, session, lang)
      } catch (error) {
        const failure = failureOf(error, request)
        return reply.code(failure.status).type('text/html; charset=utf-8').send(errorPage(lang, failure))
      }
    })
  }

  // Re-check now: the record is read from the portal again and the rules asked; the tab comes back fresh.
  app.post('/placements/api/recheck', async (request, reply) => {
    const { session, portal } = await sessionOf(deps, request)
    const body = parseBody(recheck, request.body)
    await deps.worker.refresh(portal.memberId, [{ entity: body.entity, entityId: body.id }])
    await deps.rules.recheck(portal.memberId, body.entity, body.id)
    return sendTab(deps, reply, portal, session, body.entity, body.id, request.headers[SESSION_HEADER] as string, languageOf(portal.language))
  })

  // Excuse a violation with a reason: a supervisor of the responsible or an administrator.
  app.post('/placements/api/excuse', async (request, reply) => {
    const { session, portal } = await sessionOf(deps, request)
    const body = parseBody(excuse, request.body)
    const violation = await deps.store.violations.get(body.violationId)
    if (!violation || !(await deps.store.violations.openFor(portal.memberId, body.entity, body.recordId)).some((open) => open.id === violation.id)) {
      throw new BadRequestError('No such open violation on this record', 'NO_SUCH_VIOLATION')
    }
    if (!(await mayExcuse(deps, portal, session, body.entity, body.recordId))) {
      throw new ForbiddenError("Only the responsible's supervisor or an administrator may excuse a violation", 'NOT_A_SUPERVISOR')
    }
    await deps.rules.excuse(portal.memberId, violation.id, String(session.userId), body.reason)
    return sendTab(deps, reply, portal, session, body.entity, body.recordId, request.headers[SESSION_HEADER] as string, languageOf(portal.language))
  })
}

// The portal must be known, its application_token right when the frame carries one, and the frame's AUTH_ID
// confirmed by the stored endpoint (never DOMAIN or a host from the request) for the user now looking.
export async function verifyFrame(deps: Pick<PageDeps, 'store' | 'auth'>, frame: ReturnType<typeof parsePageFrame>) {
  const portal = await deps.store.portals.get(frame.memberId)
  if (!portal || portal.status === 'uninstalled') throw new UnauthorizedError('Unknown portal: install the app first', 'UNKNOWN_PORTAL')
  if (frame.applicationToken !== undefined && portal.applicationToken !== '' && !applicationTokenMatches(portal, frame.applicationToken)) {
    throw new UnauthorizedError('Wrong APPLICATION_TOKEN', 'INVALID_APPLICATION_TOKEN')
  }
  const who = await deps.auth.whoIs(portal, frame.authId)
  if (!who) throw new UnauthorizedError('The portal did not confirm who is looking (AUTH_ID)', 'TOKENS_NOT_CONFIRMED')
  return { portal, who }
}

// The session a page request carries, and its portal; 401 without a valid one.
export async function sessionOf(deps: Pick<PageDeps, 'store' | 'sessions'>, request: FastifyRequest): Promise<{ session: PageSession; portal: Portal }> {
  const header = request.headers[SESSION_HEADER]
  const session = deps.sessions.verify(typeof header === 'string' ? header : undefined)
  const portal = session ? await deps.store.portals.get(session.memberId) : undefined
  if (!session || !portal || portal.status === 'uninstalled') {
    throw new UnauthorizedError('No valid page session: open the tab again', 'NO_PAGE_SESSION')
  }
  return { session, portal }
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    throw new BadRequestError(issueLine(parsed.error, 'body'), 'MALFORMED_PAGE_REQUEST')
  }
  return parsed.data
}

// An administrator, or a supervisor of the record's responsible at any level up.
async function mayExcuse(deps: PageDeps, portal: Portal, session: PageSession, entity: Entity, id: string): Promise<boolean> {
  if (session.isAdmin) return true
  const mirrored = await deps.store.mirror.get(portal.memberId, entity, id)
  let person = mirrored ? responsibleOf(entity, mirrored.snapshot) ?? undefined : undefined
  const directory = await deps.rules.directory(portal.memberId)
  const seen = new Set<string>()
  while (person && !seen.has(person)) {
    seen.add(person)
    person = supervisorOf(directory, person, (await deps.settings.of(portal.memberId)).supervisors)
    if (person === String(session.userId)) return true
  }
  return false
}

async function sendTab(deps: PageDeps, reply: FastifyReply, portal: Portal, session: PageSession, entity: Entity, id: string, token: string, lang: 'ru' | 'en') {
  const status = await recordStatus(deps, portal, entity, id)
  const { timeZone } = resolvedCalendarSettings((await deps.settings.of(portal.memberId)).calendar, portal.language)
  // Framed by this portal only; no X-Frame-Options (it cannot name the portal).
  reply.header('content-security-policy', frameAncestors(portal.clientEndpoint)).type('text/html; charset=utf-8')
  return recordTabPage(status, { lang, origin: new URL(portal.clientEndpoint).origin, timeZone, session: token, canExcuse: await mayExcuse(deps, portal, session, entity, id) })
}

/** The page for a failed frame: what was wrong with the request (4xx), or only that the app failed and the request id (5xx). */
export function errorPage(lang: 'ru' | 'en', failure: Failure): string {
  const heading = lang === 'ru' ? 'Страница недоступна' : 'The page is not available'
  return page({ lang, title: heading, body: html`<h1>${heading}</h1>${failureBody(lang, failure)}` })
}
