// Proves whom tokens belong to by asking the portal itself: the one check installs, updates and events share.
import type { Logger } from 'pino'
import { B24Error, PortalClient, type PortalCredentials, type RefreshedTokens, type RetryOptions } from '../b24/index.js'
import type { Config } from '../config.js'
import { AppError, ForbiddenError, UnauthorizedError } from '../shared/app-error.js'
import { applicationTokenMatches } from './secrets.js'
import type { StorePort } from '../store/port.js'

// A token confirmation's retries: two tries, a second apart at most.
const CONFIRM_RETRY: Readonly<RetryOptions> = { attempts: 2, baseDelayMs: 500, maxDelayMs: 1_000 }

/** What the portal said about a pair of tokens. */
export interface Confirmation {
  /** The credentials, with the pair the portal handed out if it refreshed them during the check. */
  credentials: PortalCredentials
  userId: number | null
  isAdmin: boolean
  licenseFamily: string | null
  language: string | null
}

interface AppInfo { CODE?: unknown; LICENSE_FAMILY?: string; LANGUAGE_ID?: string }
interface Profile { ID?: string | number; ADMIN?: boolean }

/** Whom a confirmed access token belongs to. */
export interface TokenUser {
  userId: number
  isAdmin: boolean
}

/** Where a portal is and who it is, without tokens. */
type PortalAddress = Omit<PortalCredentials, 'accessToken' | 'refreshToken' | 'expiresAt'>

// Confirmed access tokens are trusted this long at most (they live an hour); a burst of events costs one check.
// A token the portal refused is refused this long without asking again.
const CONFIRMED_FOR_MS = 10 * 60_000
const CONFIRMED_LIMIT = 1_000
// The portal's answers that say the token itself is no good (docs: _includes/system-errors.md).
const TOKEN_REFUSALS = new Set(['NO_AUTH_FOUND', 'expired_token', 'INVALID_CREDENTIALS', 'user_access_error'])

function refusedByPortal(error: ForbiddenError): boolean {
  return error.code === 'FOREIGN_APPLICATION' || (error.cause instanceof B24Error && TOKEN_REFUSALS.has(error.cause.code))
}

// Anyone can send a frame naming an installed portal with a made-up token, and each new token is a question to that
// portal, drawn on its REST budget: a portal is asked about at most QUESTIONS.burst new tokens at once, then
// QUESTIONS.perMinute a minute (an office opening its cards at nine stays well inside it).
const QUESTIONS = { burst: 20, perMinute: 30 }

/** Asks portals about tokens; never calls a host the caller did not choose. */
export class PortalAuth {
  readonly #confirmed = new Map<string, { until: number; who: TokenUser | undefined }>()
  readonly #asking = new Map<string, Promise<TokenUser | undefined>>()
  readonly #questions = new Map<string, { level: number; at: number }>()

  constructor(private readonly deps: { config: Readonly<Config>; store: StorePort; logger: Logger; now: () => Date }) {}

  /**
   * Verifies an event's `auth` against the stored portal: its application_token, compared in constant time; or,
   * while an install with the interface waits for ONAPPINSTALL to bring that token, the event's own access
   * token confirmed by the stored endpoint. Throws UnauthorizedError; asks no host named in the request.
   */
  async verifyEvent(auth: { member_id: string; application_token: string; access_token?: string | undefined }): Promise<void> {
    const portal = await this.deps.store.portals.get(auth.member_id)
    if (!portal || portal.status === 'uninstalled') throw new UnauthorizedError('Unknown portal', 'UNKNOWN_PORTAL')
    if (portal.applicationToken !== '') {
      if (!applicationTokenMatches(portal, auth.application_token)) throw new UnauthorizedError('Wrong application_token', 'INVALID_APPLICATION_TOKEN')
      return
    }
    const token = auth.access_token ?? ''
    if (token === '' || !(await this.confirmAccessToken(portal, token))) {
      throw new UnauthorizedError(
        "The portal has not sent its application_token yet (ONAPPINSTALL); until then an event is accepted only with tokens the portal confirms",
        'APPLICATION_TOKEN_AWAITED',
      )
    }
  }

  /**
   * Asks the portal at `credentials.clientEndpoint` (`app.info` and `profile` in one batch) whose tokens these
   * are; throws ForbiddenError unless it confirms them as issued to this application (CODE = B24_CLIENT_ID).
   */
  async confirm(credentials: PortalCredentials): Promise<Confirmation> {
    const { config, logger } = this.deps
    let current = credentials
    const client = new PortalClient(credentials, {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      oauthUrl: config.oauthUrl,
      allowedHosts: config.allowedHosts,
      timeoutMs: config.timeoutMs,
      // Someone waits for the answer (an install, a frame), and anyone can send tokens to confirm: one quick second
      // try at most, so that forged or unreachable ones are refused at once rather than after half a minute of retries.
      retry: CONFIRM_RETRY,
      logger,
      now: this.deps.now,
      keeper: {
        saveTokens: (_memberId: string, tokens: RefreshedTokens) => { current = { ...current, ...tokens } },
        markNeedsReauth: () => {},
      },
    })
    let app: AppInfo
    let me: Profile
    try {
      const answer = await client.batch({ app: { method: 'app.info' }, me: { method: 'profile' } })
      const refused = Object.values(answer.errors)[0]
      if (refused) throw new B24Error({ method: 'app.info', code: refused.error, description: refused.description, httpStatus: 200 })
      app = (answer.results.app ?? {}) as AppInfo
      me = (answer.results.me ?? {}) as Profile
    } catch (error) {
      if (error instanceof B24Error) {
        throw new ForbiddenError(`The portal did not confirm the tokens: ${error.code || error.message}`, 'TOKENS_NOT_CONFIRMED', { cause: error })
      }
      throw error
    }
    if (app.CODE !== config.clientId) {
      logger.warn({ memberId: credentials.memberId, code: String(app.CODE ?? '') }, 'tokens of another application refused')
      throw new ForbiddenError('The tokens were issued to another application, not to this one (B24_CLIENT_ID)', 'FOREIGN_APPLICATION')
    }
    return {
      credentials: current,
      licenseFamily: app.LICENSE_FAMILY ?? null,
      language: app.LANGUAGE_ID ?? null,
      userId: me.ID === undefined ? null : Number(me.ID),
      isAdmin: me.ADMIN === true,
    }
  }

  /**
   * As confirm, for tokens that name an installed portal (an install again, an update): drawn on the portal's budget of
   * questions about new tokens, so that forged installs naming it cannot drain its REST budget either (see whoIs).
   */
  async confirmKnown(credentials: PortalCredentials): Promise<Confirmation> {
    if (!this.#mayAsk(credentials.memberId, this.deps.now().getTime())) throw this.#tooMany(credentials.memberId)
    return this.confirm(credentials)
  }

  /**
   * True when the stored portal confirms a user's access token as issued to this application. Events carry
   * no refresh token, so nothing is refreshed; a confirmed token is remembered for a few minutes.
   */
  async confirmAccessToken(portal: PortalAddress, accessToken: string): Promise<boolean> {
    return (await this.whoIs(portal, accessToken)) !== undefined
  }

  /**
   * The user an access token belongs to, as the stored portal says (`profile`), when the portal confirms it as issued
   * to this application; undefined when it does not. Pages ask this of their frame's AUTH_ID. Remembered a few minutes;
   * a burst of requests with one token shares one question to the portal.
   */
  whoIs(portal: PortalAddress, accessToken: string): Promise<TokenUser | undefined> {
    const key = `${portal.memberId}\n${portal.clientEndpoint}\n${accessToken}`
    const nowMs = this.deps.now().getTime()
    const known = this.#confirmed.get(key)
    if (known && known.until > nowMs) return Promise.resolve(known.who)
    const asking = this.#asking.get(key)
    if (asking) return asking
    if (!this.#mayAsk(portal.memberId, nowMs)) return Promise.reject(this.#tooMany(portal.memberId))
    const asked = this.#ask(portal, accessToken, key).finally(() => this.#asking.delete(key))
    this.#asking.set(key, asked)
    return asked
  }

  #tooMany(memberId: string): AppError {
    this.deps.logger.warn({ memberId }, 'too many new tokens to confirm with the portal; refused without asking')
    return new AppError('TOO_MANY_NEW_TOKENS',
      'Слишком много новых входов в приложение за минуту: попробуйте через минуту. (Too many new sign-ins to this portal at once: try again in a minute.)', 429)
  }

  // The portal's own small leaky bucket of questions about new tokens.
  #mayAsk(memberId: string, nowMs: number): boolean {
    const bucket = this.#questions.get(memberId) ?? { level: 0, at: nowMs }
    const level = Math.max(0, bucket.level - ((nowMs - bucket.at) / 60_000) * QUESTIONS.perMinute)
    if (level + 1 > QUESTIONS.burst) return false
    this.#questions.set(memberId, { level: level + 1, at: nowMs })
    return true
  }

  async #ask(portal: PortalAddress, accessToken: string, key: string): Promise<TokenUser | undefined> {
    const nowMs = this.deps.now().getTime()
    let confirmation: Confirmation
    try {
      const { memberId, domain, clientEndpoint, serverEndpoint, scope } = portal
      confirmation = await this.confirm({ memberId, domain, clientEndpoint, serverEndpoint, scope, accessToken, refreshToken: '', expiresAt: Math.floor(nowMs / 1000) + 3600 })
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error
      // A token the portal itself refused stays refused; one it could not answer for (a 5xx, its limit, a timeout) is
      // asked about again next time.
      return refusedByPortal(error) ? this.#remember(key, nowMs, undefined) : undefined
    }
    const who = confirmation.userId === null ? undefined : { userId: confirmation.userId, isAdmin: confirmation.isAdmin }
    return this.#remember(key, nowMs, who)
  }

  // What the portal said of a token, confirmed or refused, kept a few minutes.
  #remember(key: string, nowMs: number, who: TokenUser | undefined): TokenUser | undefined {
    if (this.#confirmed.size >= CONFIRMED_LIMIT) this.#confirmed.clear()
    this.#confirmed.set(key, { until: nowMs + CONFIRMED_FOR_MS, who })
    return who
  }
}
