// Builds a portal's one B24OAuth: SDK throttling and retries off, our bucket, deadline and token on its axios, no redirects.
import { AsyncLocalStorage } from 'node:async_hooks'
import { ApiVersion, B24OAuth, EnumAppStatus, type HandlerRefreshAuth, type RestrictionParams } from '@bitrix24/b24jssdk'
import { withoutTrailingSlash } from './endpoints.js'
import { type Redirect, redirectOfAxios } from './redirects.js'
import type { TokenRefresher } from './token-refresher.js'
import type { PortalCredentials, RefreshedTokens } from './types.js'
import { unixSeconds, wallExpiry } from '../shared/clock.js'
import { isRecord } from '../shared/records.js'

/** Where a call's 2xx answer lands raw (the SDK hides `next`, reads `"error": ""` as success and throws on a body without `time`), or the redirect it met. */
export interface EnvelopeSlot {
  answer?: { status: number; body: unknown }
  redirect?: Redirect
}

/** The SDK instance and the per-call slot its answers are copied into. */
export interface SdkInstance {
  sdk: B24OAuth
  envelopes: AsyncLocalStorage<EnvelopeSlot>
}

// Rate limiting lives in LeakyBucket (see there why) and PortalBudget, retries and the 429 wait in PortalClient
// (the SDK's waits are fixed at 1.5 s / 10 s and it retries *.add after a timeout), so the SDK's
// limiters are opened wide and it makes exactly one attempt. It still refreshes on 401 and resends once.
const SDK_RESTRICTIONS: RestrictionParams = {
  rateLimit: { burstLimit: Number.MAX_SAFE_INTEGER, drainRate: Number.MAX_SAFE_INTEGER, adaptiveEnabled: false },
  operatingLimit: { windowMs: 600_000, limitMs: Number.MAX_SAFE_INTEGER, heavyPercent: 100 },
  adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
  maxRetries: 1,
  retryDelay: 0,
  retryOnNetworkError: false,
}

// One store for every instance: each call runs in its own slot. An AsyncLocalStorage is never freed once used (Node
// keeps every enabled one and visits each on every async operation), so one per client — a client per page frame
// checked — slowed the whole process and grew its memory with every frame, forged ones included.
const ENVELOPES = new AsyncLocalStorage<EnvelopeSlot>()

/** What building the SDK instance needs. */
export interface SdkInstanceOptions {
  clientId: string
  clientSecret: string
  timeoutMs: number
  refresher: TokenRefresher
  /** The portal's budget (portal-budget.ts): every HTTP request waits for its slot. */
  bucket: { take(): Promise<void> }
  /** The app's clock, for the seconds a token has left. */
  now: () => Date
}

/** A B24OAuth whose every portal request waits for the bucket, carries the current token, has a deadline and never follows a redirect. */
export function createSdkInstance(credentials: PortalCredentials, options: SdkInstanceOptions): SdkInstance {
  const { refresher, bucket, timeoutMs, now } = options
  const sdk = new B24OAuth(
    {
      applicationToken: '',
      userId: 0,
      memberId: credentials.memberId,
      accessToken: credentials.accessToken,
      refreshToken: credentials.refreshToken,
      // The SDK checks the expiry against the wall clock: the seconds left on the app's clock, on the wall clock.
      expires: wallExpiry(credentials.expiresAt, now),
      expiresIn: Math.max(0, credentials.expiresAt - unixSeconds(now)),
      scope: credentials.scope,
      domain: credentials.domain,
      // The SDK appends `/method` to this verbatim: …/rest/ would become …/rest//method.
      clientEndpoint: withoutTrailingSlash(credentials.clientEndpoint),
      serverEndpoint: credentials.serverEndpoint,
      status: EnumAppStatus.Local,
    },
    { clientId: options.clientId, clientSecret: options.clientSecret },
    { restrictionParams: SDK_RESTRICTIONS },
  )
  // The SDK merges concurrent 401s per transport only; TokenRefresher merges them per portal.
  sdk.setCustomRefreshAuth(async () => toSdkAnswer(await refresher.refresh(), credentials, now))

  const envelopes = ENVELOPES
  for (const version of [ApiVersion.v2, ApiVersion.v3]) {
    const ajax = sdk.getHttpClient(version).ajaxClient
    ajax.defaults.timeout = timeoutMs
    // A redirect could lead off the allow-list with the token in the body: a 3xx is an answer, never followed.
    ajax.defaults.maxRedirects = 0
    ajax.interceptors.request.use(async (config) => {
      // Counted here, per HTTP request, so the SDK's resend after a 401 is counted too.
      await bucket.take()
      // The SDK chose the token before the request queued; a refresh may have happened since.
      const data: unknown = config.data
      if (isRecord(data) && 'auth' in data) {
        config.data = { ...data, auth: refresher.accessToken }
      }
      // axios' own timeout is a socket-idle timer; this is a deadline for the whole exchange.
      config.signal = AbortSignal.timeout(timeoutMs)
      return config
    })
    ajax.interceptors.response.use((response) => {
      const slot = envelopes.getStore()
      if (slot) slot.answer = { status: response.status, body: response.data }
      return response
    }, (error: unknown) => {
      // Noted before the SDK turns it into an AjaxError: whatever the 3xx body says must not decide the outcome.
      const redirect = redirectOfAxios(error)
      const slot = envelopes.getStore()
      if (slot && redirect) slot.redirect = redirect
      throw error
    })
  }
  return { sdk, envelopes }
}

function toSdkAnswer(tokens: RefreshedTokens, credentials: PortalCredentials, now: () => Date): HandlerRefreshAuth {
  return {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    expires: String(wallExpiry(tokens.expiresAt, now)),
    expires_in: String(Math.max(0, tokens.expiresAt - unixSeconds(now))),
    client_endpoint: tokens.clientEndpoint,
    server_endpoint: tokens.serverEndpoint,
    member_id: credentials.memberId,
    scope: tokens.scope,
    status: EnumAppStatus.Local,
    domain: credentials.domain,
  }
}
