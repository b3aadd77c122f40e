// The OAuth server listener (like oauth.bitrix.info): /oauth/token/ with grant_type=refresh_token.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { phpJson } from './envelope.js'
import { parseForm, readBody, send } from './http.js'
import { LOG_LIMIT, type PortalState } from './state.js'
import { pushBounded, str, type Params } from './util.js'

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
  if (grantType !== 'refresh_token') {
    return answer(state, res, grantType, 400, { error: 'invalid_request', error_description: 'Unsupported grant_type' })
  }
  if (str(p.client_id) !== cfg.clientId || str(p.client_secret) !== cfg.clientSecret || !state.app.present) {
    return answer(state, res, grantType, 401, { error: 'invalid_client', error_description: 'Invalid client' })
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
