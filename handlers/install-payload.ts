// Parses both install requests — the API-only ONAPPINSTALL POST and the UI frame POST — into one grant.
import { z } from 'zod'
import type { InstallGrant } from '../src/portal/installer.js'
import { memberIdField, parseOrThrow } from './parse.js'

const text = z.string().trim().min(1)
const seconds = z.coerce.number().int().positive().default(3600)
const url = z.url({ protocol: /^https?$/ })

/** `auth[...]` of ONAPPINSTALL and ONAPPUPDATE (form-encoded, every value a string). */
const grantAuth = z.object({
  access_token: text,
  refresh_token: text,
  expires_in: seconds,
  domain: text,
  server_endpoint: url.optional(),
  client_endpoint: url,
  member_id: memberIdField,
  application_token: text,
  // Documented as space-separated here, comma-separated everywhere else: keep commas.
  scope: z.string().default('').transform((scope) => scope.split(/[\s,]+/).filter(Boolean).join(',')),
  status: z.string().optional(),
})

const appEvent = z.object({
  event: text.transform((code) => code.toUpperCase()),
  data: z.object({ LANGUAGE_ID: z.string().optional(), VERSION: z.string().optional() }).partial().optional(),
  auth: grantAuth,
})

/** The frame POST of a UI install: DOMAIN, PROTOCOL, LANG come in the query, the rest in the body. */
const frameInstall = z.object({
  DOMAIN: text.regex(/^[a-z0-9.-]+(:\d+)?$/i, 'must be a host name'),
  PROTOCOL: z.enum(['0', '1']).default('1'),
  LANG: z.string().optional(),
  AUTH_ID: text,
  AUTH_EXPIRES: seconds,
  REFRESH_ID: text,
  // Cloud portals' install frames carry neither (2024–2025 captures): ONAPPINSTALL brings both later.
  SERVER_ENDPOINT: url.optional(),
  APPLICATION_TOKEN: text.optional(),
  APPLICATION_SCOPE: z.string().optional(),
  member_id: memberIdField,
  status: z.string().optional(),
  PLACEMENT: z.string().optional(),
})

/** Which of the two install requests a body is, or neither. */
export function installKind(body: Record<string, unknown>): 'api' | 'ui' | undefined {
  if (typeof body.event === 'string' && body.event.toUpperCase() === 'ONAPPINSTALL') return 'api'
  if ('AUTH_ID' in body || 'REFRESH_ID' in body) return 'ui'
  return undefined
}

/** ONAPPINSTALL / ONAPPUPDATE body → grant; throws BadRequestError naming the bad field. */
export function parseAppEventGrant(body: unknown): InstallGrant {
  const { data, auth } = parseOrThrow(appEvent, body, 'MALFORMED_INSTALL')
  return {
    memberId: auth.member_id,
    domain: auth.domain,
    clientEndpoint: auth.client_endpoint,
    serverEndpoint: auth.server_endpoint,
    accessToken: auth.access_token,
    refreshToken: auth.refresh_token,
    expiresIn: auth.expires_in,
    applicationToken: auth.application_token,
    scope: auth.scope,
    appStatus: auth.status ?? null,
    language: data?.LANGUAGE_ID ?? null,
  }
}

/** UI frame POST (query and body merged) → grant; throws BadRequestError naming the bad field. */
export function parseFrameGrant(fields: unknown): InstallGrant {
  const frame = parseOrThrow(frameInstall, fields, 'MALFORMED_INSTALL')
  return {
    memberId: frame.member_id,
    domain: frame.DOMAIN,
    clientEndpoint: `${frame.PROTOCOL === '1' ? 'https' : 'http'}://${frame.DOMAIN}/rest/`,
    serverEndpoint: frame.SERVER_ENDPOINT,
    accessToken: frame.AUTH_ID,
    refreshToken: frame.REFRESH_ID,
    expiresIn: frame.AUTH_EXPIRES,
    applicationToken: frame.APPLICATION_TOKEN ?? null,
    scope: (frame.APPLICATION_SCOPE ?? '').split(/[\s,]+/).filter(Boolean).join(','),
    appStatus: frame.status ?? null,
    language: frame.LANG ?? null,
  }
}
