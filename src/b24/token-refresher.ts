// Refreshes one portal's OAuth tokens: one request at a time, with a deadline, no redirects, persisted through the keeper.
import type { Logger } from 'pino'
import { z } from 'zod'
import { checkEndpoint } from '../config.js'
import { B24Error } from './b24-error.js'
import { tokenUrl, withoutTrailingSlash } from './endpoints.js'
import { CLIENT_CODES } from './error-mapping.js'
import { isRedirectStatus, redirectRefused, redirectTargetHost } from './redirects.js'
import type { RefreshedTokens, TokenKeeper } from './types.js'
import { unixSeconds } from '../shared/clock.js'
import { errorMessage, isTimeout } from '../shared/errors.js'
import { isRecord } from '../shared/records.js'

// The refresh lease outlives the token request's deadline by this much; a waiting instance looks this often.
const LEASE_SLACK_MS = 5_000
const LEASE_LOOK_MS = 100

/** The method name refresh failures carry until the client attributes them to the call that needed them. */
export const TOKEN_METHOD = 'oauth/token'

/** What the refresher needs to talk to the token server. */
export interface RefresherOptions {
  memberId: string
  clientId: string
  clientSecret: string
  oauthUrl?: string | undefined
  /** The allow-list a new endpoint in a refresh answer must pass; without it the endpoints never change. */
  allowedHosts?: readonly string[] | undefined
  timeoutMs: number
  logger: Logger
  keeper: TokenKeeper
  /** The app's clock: a token answer's `expires_in` becomes an absolute expiry on it. */
  now: () => Date
}

// docs: settings/oauth/auto-renewal.md; `expires` (absolute) comes only with a refresh, strings or numbers.
const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires: z.coerce.number().optional(),
  expires_in: z.coerce.number().optional(),
  client_endpoint: z.string().optional(),
  server_endpoint: z.string().optional(),
  scope: z.string().optional(),
})

/** Holds the current token pair; refresh() never has two exchanges in flight and never reuses a spent refresh token. */
export class TokenRefresher {
  #tokens: RefreshedTokens
  #inflight: Promise<RefreshedTokens> | undefined
  #refreshedAt = Number.NEGATIVE_INFINITY
  #refused: B24Error | undefined
  readonly #opts: RefresherOptions

  constructor(tokens: RefreshedTokens, opts: RefresherOptions) {
    const { accessToken, refreshToken, expiresAt, serverEndpoint, scope } = tokens
    this.#tokens = { accessToken, refreshToken, expiresAt, clientEndpoint: withoutTrailingSlash(tokens.clientEndpoint), serverEndpoint, scope }
    this.#opts = opts
  }

  /** The access token to send right now. */
  get accessToken(): string {
    return this.#tokens.accessToken
  }

  /** Exchanges the refresh token once for however many callers ask at the same time; fails fast after invalid_grant. */
  refresh(): Promise<RefreshedTokens> {
    if (this.#refused) return Promise.reject(this.#refused)
    // A user's token from an event comes without a refresh token: there is nothing to exchange.
    if (this.#tokens.refreshToken === '') {
      return Promise.reject(new B24Error({ method: TOKEN_METHOD, code: 'NO_REFRESH_TOKEN', description: 'token refresh: these tokens came without a refresh token', httpStatus: 0 }))
    }
    if (this.#inflight) return this.#inflight
    // A 401 that arrives this soon after a refresh belongs to a request sent with the old token
    // (every request carries the token current when it left and has timeoutMs to come back):
    // hand out the new pair instead of spending the refresh token a second time.
    // Measured on the monotonic timer, like the request deadlines it is compared with.
    if (performance.now() - this.#refreshedAt < this.#opts.timeoutMs + 1_000) return Promise.resolve(this.#tokens)
    const exchange = this.#exchange().finally(() => {
      this.#inflight = undefined
    })
    this.#inflight = exchange
    return exchange
  }

  // With a keeper shared by several instances: tokens another instance refreshed are taken, not refreshed again; while
  // another instance holds the lease its new tokens are waited for; otherwise this one refreshes under the lease.
  async #exchange(): Promise<RefreshedTokens> {
    const { keeper, memberId, timeoutMs, now } = this.#opts
    if (!keeper.takeRefreshLease) return this.#exchangeOnce()
    const until = new Date(now().getTime() + timeoutMs + LEASE_SLACK_MS)
    if (await this.#adoptStored()) return this.#tokens
    if (!(await keeper.takeRefreshLease(memberId, until))) return this.#waitForOther()
    try {
      return await this.#exchangeOnce()
    } finally {
      await Promise.resolve(keeper.endRefreshLease?.(memberId)).catch(() => undefined)
    }
  }

  // Another instance is refreshing: its tokens are in the store once it is done (or its lease runs out).
  async #waitForOther(): Promise<RefreshedTokens> {
    for (let look = 0; look * LEASE_LOOK_MS < this.#opts.timeoutMs + LEASE_SLACK_MS; look++) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_LOOK_MS))
      if (await this.#adoptStored()) return this.#tokens
    }
    throw new B24Error({ method: TOKEN_METHOD, code: CLIENT_CODES.timeout, description: 'token refresh: another instance is refreshing the tokens and has not finished', httpStatus: 0 })
  }

  // Takes the stored tokens when another instance has refreshed them (their refresh token is not the one held here).
  async #adoptStored(): Promise<boolean> {
    const stored = await this.#opts.keeper.storedTokens?.(this.#opts.memberId)
    if (!stored || stored.refreshToken === '' || stored.refreshToken === this.#tokens.refreshToken) return false
    this.#tokens = { ...stored, clientEndpoint: withoutTrailingSlash(stored.clientEndpoint) }
    this.#refreshedAt = performance.now()
    this.#opts.logger.info({ memberId: this.#opts.memberId }, 'access token refreshed by another instance')
    return true
  }

  async #exchangeOnce(): Promise<RefreshedTokens> {
    const { clientId, clientSecret, timeoutMs, memberId, logger } = this.#opts
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: this.#tokens.refreshToken,
    })
    const url = tokenUrl(this.#opts.oauthUrl, this.#tokens.serverEndpoint)
    let status = 0
    let text: string
    try {
      // The SDK's own refresh uses an axios instance without a timeout; this one has a deadline.
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        // fetch follows redirects by default, and on 307/308 it would resend the secret and the refresh token.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      status = response.status
      // Before the body is read: a 3xx saying invalid_grant must not cost the portal its tokens.
      if (isRedirectStatus(status)) this.#refuseRedirect(response, url)
      text = await response.text()
    } catch (error) {
      if (error instanceof B24Error) throw error
      const timedOut = isTimeout(error)
      const code = timedOut ? CLIENT_CODES.timeout : CLIENT_CODES.network
      logger.warn({ memberId, code }, 'token refresh failed: no answer from the token server')
      throw new B24Error({ method: TOKEN_METHOD, code, description: `token refresh: ${timedOut ? `no answer within ${timeoutMs} ms` : 'network error'}`, httpStatus: 0 })
    }
    const answer = parseJson(text)
    const refusal = isRecord(answer) && 'error' in answer ? answer : undefined
    if (refusal) this.#refuse(String(refusal.error), typeof refusal.error_description === 'string' ? refusal.error_description : '', status)
    const parsed = TokenAnswer.safeParse(answer)
    if (status < 200 || status >= 300 || !parsed.success) {
      throw new B24Error({ method: TOKEN_METHOD, code: `HTTP_${status}`, description: 'token refresh: unexpected answer from the token server', httpStatus: status })
    }
    this.#tokens = this.#tokensFrom(parsed.data)
    this.#refreshedAt = performance.now()
    logger.info({ memberId }, 'access token refreshed')
    await this.#persist()
    return this.#tokens
  }

  // Nothing goes to the Location: it is only named, by host, in the log and the error.
  #refuseRedirect(response: Response, url: string): never {
    const { memberId, logger } = this.#opts
    response.body?.cancel().catch(() => {})
    const redirect = { status: response.status, targetHost: redirectTargetHost(response.headers.get('location'), url) }
    logger.warn({ memberId, httpStatus: redirect.status, targetHost: redirect.targetHost }, 'token server answered with a redirect; not followed')
    throw redirectRefused(TOKEN_METHOD, redirect, 'token refresh: the token server')
  }

  #refuse(code: string, text: string, status: number): never {
    const { memberId, logger, keeper } = this.#opts
    const description = `token refresh refused: ${this.#scrub(text || code)}`
    if (code !== 'invalid_grant') throw new B24Error({ method: TOKEN_METHOD, code, description, httpStatus: status })
    // The refresh token is dead (expired, revoked, app reinstalled): only a new install brings a new one.
    this.#refused = new B24Error({
      method: TOKEN_METHOD,
      code,
      description: `${description}; the portal needs re-authorisation (reinstall the app)`,
      httpStatus: status,
    })
    logger.warn({ memberId, code }, 'token server refused the refresh token; portal marked as needing re-authorisation')
    const failed = (keeperError: unknown) => logger.error({ memberId, err: this.#safeError(keeperError) }, 'could not mark the portal as needing re-authorisation')
    try {
      Promise.resolve(keeper.markNeedsReauth(memberId, this.#refused.description)).catch(failed)
    } catch (keeperError) {
      failed(keeperError)
    }
    throw this.#refused
  }

  #tokensFrom(answer: z.infer<typeof TokenAnswer>): RefreshedTokens {
    const nowSeconds = unixSeconds(this.#opts.now)
    const expiresAt = answer.expires !== undefined && answer.expires > 0 ? answer.expires : nowSeconds + (answer.expires_in ?? 3600)
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt,
      clientEndpoint: withoutTrailingSlash(this.#endpoint('client_endpoint', answer.client_endpoint, this.#tokens.clientEndpoint)),
      serverEndpoint: this.#endpoint('server_endpoint', answer.server_endpoint, this.#tokens.serverEndpoint),
      scope: answer.scope ?? this.#tokens.scope,
    }
  }

  // A domain change arrives as a new endpoint in a refresh answer; one the app would not install is ignored.
  #endpoint(field: 'client_endpoint' | 'server_endpoint', offered: string | undefined, current: string): string {
    if (!offered) return current
    if (withoutTrailingSlash(offered) === withoutTrailingSlash(current)) return offered
    const check = checkEndpoint(offered, this.#opts.allowedHosts ?? [])
    if (check.ok) return offered
    this.#opts.logger.warn({ memberId: this.#opts.memberId, field, code: check.code, reason: check.reason }, 'token refresh brought an endpoint that is not accepted; keeping the old one')
    return current
  }

  // The new pair already works in memory; a store that cannot save it must not fail the call.
  // Awaited: another instance waiting for the new tokens reads them from the store.
  async #persist(): Promise<void> {
    const { memberId, logger, keeper } = this.#opts
    try {
      await keeper.saveTokens(memberId, { ...this.#tokens })
    } catch (error) {
      logger.error({ memberId, err: this.#safeError(error) }, 'could not persist refreshed tokens; keeping them in memory')
    }
  }

  // Only name and message, with any token or secret cut out: a store error may quote its input.
  #safeError(error: unknown): { name: string; message: string } {
    const name = error instanceof Error ? error.name : 'Error'
    const message = errorMessage(error)
    return { name, message: this.#scrub(message) }
  }

  #scrub(text: string): string {
    let result = text
    for (const secret of [this.#tokens.accessToken, this.#tokens.refreshToken, this.#opts.clientSecret]) {
      if (secret) result = result.split(secret).join('[redacted]')
    }
    return result
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
