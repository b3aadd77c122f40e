// The OAuth server listener (like oauth.bitrix.info): /oauth/token/ with grant_type=refresh_token and
// authorization_code; and the portal's own /oauth/authorize/ page, which hands out the codes.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { phpJson } from './envelope.js'
import { parseForm, readBody, send } from './http.js'
import { LOG_LIMIT, type PortalState } from './state.js'
import { pushBounded, randomHex, str, type Params } from './util.js'

/** The authorize page on the portal listener (settings/oauth/index.md). */
export const AUTHORIZE_PATH = '/oauth/authorize/'
/** Stands for the portal's session cookie: which portal user is logged in in this browser. */
export const PORTAL_USER_COOKIE = 'FAKE_PORTAL_USER'
/** "code lives 30 seconds" (settings/oauth/index.md). */
export const CODE_TTL_MS = 30_000

/**
 * GET /oauth/authorize/?client_id=…&state=…: for a logged-in user of the portal (PORTAL_USER_COOKIE) of an installed
 * app, a 302 to the redirect URI of the app's settings with code, state, domain, member_id, scope and server_domain.
 * Errors are shown on the portal's own page; no redirect comes back (settings/oauth/index.md).
 */
export function handleAuthorize(state: PortalState, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://portal.invalid')
  const { cfg, authorize } = state
  const page = (status: number, title: string) =>
    send(res, status, `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`, 'text/html; charset=utf-8')
  if (req.method !== 'GET') return page(405, 'Метод не поддерживается')
  const userId = cookieUser(req.headers.cookie)
  if (userId === null || state.store.users.get(userId)?.ACTIVE !== true) return page(401, 'Авторизация: войдите в портал')
  if (url.searchParams.get('client_id') !== cfg.clientId) return page(400, 'Приложение не найдено (client_id)')
  if (!state.app.present) return page(400, 'Приложение не установлено')
  if (authorize.redirectUri === null) return page(400, 'У приложения не указан адрес для перенаправления')
  const code = randomHex(16)
  authorize.codes.set(code, { userId, expiresAt: state.now() + CODE_TTL_MS, used: false })
  if (authorize.codes.size > 10_000) authorize.codes.delete(authorize.codes.keys().next().value as string)
  const target = new URL(authorize.redirectUri)
  target.searchParams.set('code', code)
  const given = url.searchParams.get('state')
  if (given !== null) target.searchParams.set('state', given)
  target.searchParams.set('domain', cfg.domain)
  target.searchParams.set('member_id', cfg.memberId)
  target.searchParams.set('scope', cfg.scope)
  target.searchParams.set('server_domain', new URL(cfg.oauthUrl).host)
  res.writeHead(302, { location: target.toString(), 'content-length': 0 })
  res.end()
}

function cookieUser(header: string | undefined): number | null {
  for (const part of (header ?? '').split(';')) {
    const [name, value] = part.trim().split('=')
    if (name === PORTAL_USER_COOKIE && value !== undefined && /^\d+$/.test(value)) return Number(value)
  }
  return null
}

function answer(state: PortalState, res: ServerResponse, grantType: string, status: number, body: Record<string, unknown>): void {
  const call = { at: state.now(), grantType, status, ...(typeof body.error === 'string' ? { error: body.error } : {}) }
  pushBounded(state.oauthCalls, call, LOG_LIMIT)
  send(res, status, phpJson(body))
}

/**
 * Answers token requests (settings/oauth/auto-renewal.md): every refresh rotates the pair and spends the
 * old refresh token. Errors (settings/oauth/error-codes.md): invalid_client for a wrong id/secret or a
 * removed app, invalid_grant for a spent, revoked or unknown refresh token.
 */
export async function handleOAuth(state: PortalState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://oauth.invalid')
  if (url.pathname !== '/oauth/token/' && url.pathname !== '/oauth/token') {
    return send(res, 404, phpJson({ error: 'not_found', error_description: 'Not found' }))
  }
  const raw = req.method === 'POST' ? (await readBody(req)).toString('utf8') : ''
  const p: Params = { ...parseForm(url.search.slice(1)), ...parseForm(raw) }
  const grantType = str(p.grant_type)
  const { cfg } = state
  if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
    return answer(state, res, grantType, 400, { error: 'invalid_request', error_description: 'Unsupported grant_type' })
  }
  if (str(p.client_id) !== cfg.clientId || str(p.client_secret) !== cfg.clientSecret || !state.app.present) {
    return answer(state, res, grantType, 401, { error: 'invalid_client', error_description: 'Invalid client' })
  }
  if (grantType === 'authorization_code') {
    // A code is spent by its first exchange, good or not, and dies 30 s after it was issued.
    const entry = state.authorize.codes.get(str(p.code))
    const valid = entry !== undefined && !entry.used && entry.expiresAt > state.now()
    if (entry !== undefined) entry.used = true
    if (!valid) return answer(state, res, grantType, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' })
    const pair = state.tokens.issue(entry.userId)
    // The documented answer of the code exchange: no `expires`, no `user_id`.
    return answer(state, res, grantType, 200, {
      access_token: pair.accessToken,
      client_endpoint: cfg.clientEndpoint,
      domain: new URL(cfg.oauthUrl).host,
      expires_in: pair.expiresIn,
      member_id: state.authorize.answerMemberId ?? cfg.memberId,
      refresh_token: pair.refreshToken,
      scope: cfg.scope,
      server_endpoint: cfg.serverEndpoint,
      status: 'L',
    })
  }
  const rotated = state.tokens.rotate(str(p.refresh_token))
  if (rotated === null) return answer(state, res, grantType, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' })
  const { pair, userId } = rotated
  answer(state, res, grantType, 200, {
    access_token: pair.accessToken,
    expires: pair.expires,
    expires_in: pair.expiresIn,
    scope: cfg.scope,
    // "domain in the token response is the OAuth server, not the portal".
    domain: new URL(cfg.oauthUrl).host,
    server_endpoint: cfg.serverEndpoint,
    client_endpoint: cfg.clientEndpoint,
    member_id: cfg.memberId,
    user_id: userId,
    status: 'L',
    refresh_token: pair.refreshToken,
  })
}
