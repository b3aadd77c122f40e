// POST /install: the API-only ONAPPINSTALL call and the UI install frame both land here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequestError } from '../src/shared/app-error.js'
import type { Installer } from '../src/portal/installer.js'
import { installDonePage, installFailedPage, pageLanguage } from '../placements/install-page.js'
import { failureOf } from './failure.js'
import { frameAncestors } from './frame.js'
import { installKind, parseAppEventGrant, parseFrameGrant } from './install-payload.js'
import { asRecord } from '../src/shared/records.js'

/** Registers POST /install. */
export function installRoutes(app: FastifyInstance, installer: Installer): void {
  app.post('/install', async (request, reply) => {
    const body = asFields(request.body)
    const kind = installKind(body)
    if (kind === 'api') {
      const { portal, setup } = await installer.install(parseAppEventGrant(body), 'api')
      request.log.info({ memberId: portal.memberId, domain: portal.domain, setup }, 'installed (API only)')
      return { status: 'success', member_id: portal.memberId, bound: setup }
    }
    if (kind === 'ui') return installFromFrame(request, body, installer, reply)
    throw new BadRequestError('Not an install request: expected event=ONAPPINSTALL with auth[...], or the install frame with AUTH_ID', 'NOT_AN_INSTALL')
  })
}

async function installFromFrame(request: FastifyRequest, body: Record<string, unknown>, installer: Installer, reply: FastifyReply) {
  const fields = { ...asFields(request.query), ...body }
  const lang = pageLanguage(typeof fields.LANG === 'string' ? fields.LANG : undefined)
  reply.type('text/html; charset=utf-8')
  try {
    const grant = parseFrameGrant(fields)
    const { portal } = await installer.install(grant, 'ui')
    reply.log.info({ memberId: portal.memberId, domain: portal.domain }, 'installed (frame)')
    reply.header('content-security-policy', frameAncestors(portal.clientEndpoint))
    return installDonePage(lang)
  } catch (error) {
    const failure = failureOf(error, request)
    return reply.code(failure.status).send(installFailedPage(lang, failure))
  }
}

/** A form or query object, or an empty one for anything else. */
export function asFields(value: unknown): Record<string, unknown> {
  return asRecord(value)
}
