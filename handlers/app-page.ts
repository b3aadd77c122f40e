// The app's own page, POST /app (its menu item in the portal): the supervisors' dashboard, verified like the card tabs.
import type { FastifyInstance } from 'fastify'
import { resolvedCalendarSettings } from '../rules/calendar/portal-calendar.js'
import { peopleUnder } from '../rules/directory.js'
import { dashboardOf, type People } from '../src/queries/dashboard.js'
import { languageOf } from '../src/notify/messages.js'
import { dashboardPage, notSupervisorPage } from '../placements/dashboard.js'
import type { Raw } from '../placements/html.js'
import type { TokenUser } from '../src/auth/portal-auth.js'
import type { Portal } from '../src/store/portals.js'
import { failureOf } from './failure.js'
import { frameAncestors } from './frame.js'
import { asFields } from './install.js'
import { parsePageFrame } from './page-payload.js'
import { errorPage, verifyFrame, type PageDeps } from './pages.js'

/** What the app's page needs. */
export type AppPageDeps = Pick<PageDeps, 'store' | 'auth' | 'sessions' | 'rules' | 'settings' | 'now'>

/** Registers POST /app: an administrator sees every department, a supervisor their people, anyone else a polite page. */
export function appPageRoutes(app: FastifyInstance, deps: AppPageDeps): void {
  app.post('/app', async (request, reply) => {
    const fields = { ...asFields(request.query), ...asFields(request.body) }
    let lang = languageOf(typeof fields.LANG === 'string' ? fields.LANG : null)
    try {
      const frame = parsePageFrame(fields)
      const { portal, who } = await verifyFrame(deps, frame)
      lang = languageOf(frame.lang ?? portal.language)
      // Framed by this portal only; no X-Frame-Options (it cannot name the portal).
      reply.header('content-security-policy', frameAncestors(portal.clientEndpoint)).type('text/html; charset=utf-8')
      const main = await mainPage(deps, portal, who, lang)
      return reply.code(main.status).send(main.html)
    } catch (error) {
      const failure = failureOf(error, request)
      return reply.code(failure.status).type('text/html; charset=utf-8').send(errorPage(lang, failure))
    }
  })
}

/** The main page for a verified user: the dashboard of their people, or (403) the page for one who supervises nobody. */
export async function mainPage(deps: AppPageDeps, portal: Portal, who: TokenUser, lang: 'ru' | 'en', banner?: Raw): Promise<{ status: number; html: string }> {
  const directory = await deps.rules.directory(portal.memberId)
  const settings = await deps.settings.of(portal.memberId)
  const people: People = who.isAdmin ? 'all' : peopleUnder(directory, String(who.userId), settings.supervisors)
  if (people !== 'all' && people.size === 0) return { status: 403, html: notSupervisorPage(lang, banner) }
  const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
  const data = await dashboardOf({ store: deps.store, directory }, portal.memberId, people, deps.now(), timeZone)
  return {
    status: 200,
    html: dashboardPage(data, {
      lang, origin: new URL(portal.clientEndpoint).origin, timeZone, scope: people === 'all' ? 'all' : people.size, isAdmin: who.isAdmin,
      session: deps.sessions.issue(portal.memberId, who.userId, who.isAdmin), ...(banner ? { banner } : {}),
    }),
  }
}
