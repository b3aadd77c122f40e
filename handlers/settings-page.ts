// The administrator's settings page and its requests: POST /app/settings/page, /check and /save, with the page session.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { Enforcer } from '../src/enforce/enforcer.js'
import { languageOf } from '../src/enforce/messages.js'
import { ForbiddenError } from '../src/errors.js'
import type { PageSessions } from '../src/page-sessions.js'
import { SESSION_HEADER } from '../src/page-sessions.js'
import type { PortalSettings } from '../src/portal-settings.js'
import type { Store } from '../src/store/index.js'
import type { Portal } from '../src/store/portals.js'
import { settingsFields, settingsPage } from '../placements/settings-page.js'
import { frameAncestors } from './frame.js'
import { parseBody, sessionOf } from './pages.js'

/** What the settings page needs. */
export interface SettingsPageDeps {
  store: Store
  sessions: PageSessions
  settings: PortalSettings
  enforcer: Enforcer
}

const submitted = z.object({ config: z.record(z.string(), z.unknown()) })

/** Registers the settings page and its check and save requests (administrators only). */
export function settingsPageRoutes(app: FastifyInstance, deps: SettingsPageDeps): void {
  app.post('/app/settings/page', async (request, reply) => {
    const { portal } = adminOf(deps, request)
    const config = deps.settings.formConfig(portal.memberId)
    const flagged = deps.enforcer.countFlagged(portal, deps.settings.of(portal.memberId))
    framedBy(reply, portal).type('text/html; charset=utf-8')
    return settingsPage(settingsFields(config), { lang: languageOf(portal.language), session: request.headers[SESSION_HEADER] as string, flagged })
  })

  // Checks the form without saving: the error on its field, or how many open records the settings would flag now.
  app.post('/app/settings/check', async (request, reply) => {
    const { portal } = adminOf(deps, request)
    const checked = deps.settings.check(deps.settings.overridesFrom(parseBody(submitted, request.body).config))
    if (!checked.ok) return reply.code(422).send(checked)
    return { ok: true, flagged: deps.enforcer.countFlagged(portal, checked.settings) }
  })

  // Saves what differs from RULES_FILE as the portal's own settings, in effect at once; nothing when a value is wrong.
  app.post('/app/settings/save', async (request, reply) => {
    const { portal, session } = adminOf(deps, request)
    const overrides = deps.settings.overridesFrom(parseBody(submitted, request.body).config)
    const saved = deps.settings.save(portal.memberId, overrides, String(session.userId))
    if (!saved.ok) return reply.code(422).send(saved)
    return { ok: true, flagged: deps.enforcer.countFlagged(portal, saved.settings) }
  })
}

function adminOf(deps: SettingsPageDeps, request: Parameters<typeof sessionOf>[1]) {
  const verified = sessionOf(deps, request)
  if (!verified.session.isAdmin) throw new ForbiddenError("Only the portal's administrators change the rules' settings", 'NOT_ADMIN')
  return verified
}

function framedBy(reply: FastifyReply, portal: Portal): FastifyReply {
  return reply.header('content-security-policy', frameAncestors(portal.clientEndpoint))
}
