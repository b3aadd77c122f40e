// The shapes the portal client shares with the store and the handlers.

/** What the app keeps to talk to one portal on behalf of the installing administrator. */
export interface PortalCredentials {
  memberId: string
  domain: string
  /** REST base without the trailing slash, e.g. https://x.bitrix24.ru/rest */
  clientEndpoint: string
  /** The OAuth server's REST base as the portal sent it, e.g. https://oauth.bitrix.info/rest/ */
  serverEndpoint: string
  accessToken: string
  refreshToken: string
  /** Absolute expiry of the access token, unix seconds. */
  expiresAt: number
  scope: string
}

/** The rotated pair and endpoints after a token refresh. */
export type RefreshedTokens = Pick<
  PortalCredentials,
  'accessToken' | 'refreshToken' | 'expiresAt' | 'clientEndpoint' | 'serverEndpoint' | 'scope'
>

/** Where the client writes what it learns about a portal's tokens; implemented by the store. */
export interface TokenKeeper {
  /** Persists a refreshed pair; may throw or reject, the client logs that and goes on. */
  saveTokens(memberId: string, tokens: RefreshedTokens): Promise<void> | void
  /** Marks a portal whose refresh token the OAuth server refused (invalid_grant); may throw or reject, logged. */
  markNeedsReauth(memberId: string, reason: string): Promise<void> | void
  /**
   * One refresh at a time across instances: takes the portal's refresh lease until `until`; false while another holds
   * it. saveTokens ends the lease; endRefreshLease ends it after a failed refresh. A keeper of one process may leave
   * these out (the refresher's own single flight is enough there).
   */
  takeRefreshLease?(memberId: string, until: Date): Promise<boolean> | boolean
  endRefreshLease?(memberId: string): Promise<void> | void
  /** The tokens stored now (another instance may have refreshed them); undefined for a portal no longer installed. */
  storedTokens?(memberId: string): Promise<RefreshedTokens | undefined> | RefreshedTokens | undefined
}

/** The portal's leaky bucket: `burst` requests at once, draining `perSecond`. */
export interface RateBudget {
  burst: number
  perSecond: number
}

/** The documented budgets: Enterprise portals get 250 and 5/s, every other plan 50 and 2/s. */
export const RATE_BUDGETS = {
  standard: { burst: 50, perSecond: 2 },
  enterprise: { burst: 250, perSecond: 5 },
} as const satisfies Record<string, RateBudget>

/** What one request asks of a shared budget: the level it may raise the counter to (burst minus margin), and the drain. */
export interface BudgetLimits {
  capacity: number
  perSecond: number
}

/** A request's slot taken in the shared budget, or how long until one frees up. */
export type BudgetSlot = { taken: true } | { taken: false; waitMs: number }

/**
 * A portal's REST budget kept where every instance of the app sees it (the store on PostgreSQL): one counter a portal,
 * drained by elapsed time on one clock, so that instances together stay under the portal's limit.
 */
export interface SharedRateBudget {
  /** Counts one request when the drained counter plus one stays within `capacity`; otherwise counts nothing and says how long to wait. */
  take(memberId: string, limits: BudgetLimits): Promise<BudgetSlot>
  /** The portal answered QUERY_LIMIT_EXCEEDED: its counter is at `burst` for every instance. */
  markFull(memberId: string, budget: RateBudget): Promise<void>
}

/** How often and how patiently the client retries; attempts count the first try. */
export interface RetryOptions {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/** Retries used when the caller passes none: five tries, 1 s doubling up to 30 s. */
export const DEFAULT_RETRY: Readonly<RetryOptions> = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 }

/** What every PortalClient needs besides the portal's own credentials. */
export interface ClientOptions {
  clientId: string
  clientSecret: string
  /** Token server base override (env B24_OAUTH_URL), e.g. https://oauth.bitrix.info; the token URL is `${base}/oauth/token/`. Default: derived from the portal's serverEndpoint. */
  oauthUrl?: string | undefined
  /** B24_ALLOWED_HOSTS: a new client_endpoint or server_endpoint in a refresh answer must pass checkEndpoint against it; without it the endpoints never change. */
  allowedHosts?: readonly string[] | undefined
  /** Deadline of every HTTP request, the token refresh included. */
  timeoutMs: number
  logger: import('pino').Logger
  keeper: TokenKeeper
  /** The app's clock: token expiries and the portal's operating-limit resets are read on it. */
  now: () => Date
  /** The portal's leaky bucket; default RATE_BUDGETS.standard. */
  budget?: RateBudget | undefined
  /** The budget shared with other instances (PostgreSQL); without it the process's own bucket is the whole budget. */
  sharedBudget?: SharedRateBudget | undefined
  /** The portal's offline source key: `write()` passes it so the app's own changes are not queued. */
  authConnector?: string | null | undefined
  retry?: RetryOptions | undefined
}
