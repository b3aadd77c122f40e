// The fake Bitrix24 portal: an in-memory portal and its OAuth server over real HTTP on 127.0.0.1.
import { AppPages } from './app-page.js'
import { LeakyBucket } from './bucket.js'
import { createFakeData, type FakeData } from './data.js'
import { EventQueue } from './events.js'
import { FaultBook } from './faults.js'
import { Outgoing, closeServer, listen } from './http.js'
import { finishInstall, framePost, installApp, openInstallFrame, openPlacement, uninstallApp, updateApp } from './lifecycle.js'
import { AUTHORIZE_PATH, PORTAL_USER_COOKIE, handleAuthorize, handleOAuth } from './oauth.js'
import { OfflineQueue } from './offline.js'
import { handlePortal } from './rest.js'
import { seedPortal } from './seed.js'
import type { PortalState } from './state.js'
import { createStore } from './store.js'
import { TokenRegistry } from './tokens.js'
import type {
  FakeCall, FakeDelivery, FakeEventBinding, FakeFaults, FakeOAuthCall, FakeOfflineRecord, FakePlacementBinding, FakePortalOptions, FakeReply,
} from './types.js'
import { randomHex } from './util.js'

/** The option, reply, call, delivery, binding and fault types. */
export type * from './types.js'
/** The data helpers' types. */
export type { FakeData, RecordHelpers } from './data.js'

/** A running fake portal: its addresses, the app lifecycle, tokens, data, events, faults and logs. */
export interface FakePortal {
  /** http://127.0.0.1:P, the portal. */
  readonly url: string
  /** `${url}/rest/`, with the trailing slash real portals send. */
  readonly clientEndpoint: string
  /** http://127.0.0.1:Q, the OAuth server (like oauth.bitrix.info). */
  readonly oauthUrl: string
  /** `${oauthUrl}/rest/`. */
  readonly serverEndpoint: string
  readonly memberId: string
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  /** The current application_token once installed; null before and after. */
  readonly applicationToken: string | null
  /** Installation finished (API-only: at once; UI: after finishInstall()). */
  readonly installed: boolean
  /** API-only install: ONAPPINSTALL POST to installUrl; installation counts as finished. */
  installApp(o: { installUrl: string; userId?: number }): Promise<FakeReply>
  /** UI install: the wizard's frame POST; not finished until finishInstall(). */
  openInstallFrame(o: { url: string; userId?: number }): Promise<FakeReply>
  /**
   * What BX24.installFinish() makes the portal do: installation is finished, and ONAPPINSTALL (with the
   * application_token) goes through the event queue to every handler bound for it, with the tokens of
   * `userId` (default: the administrator who started the install).
   */
  finishInstall(o?: { userId?: number }): void
  /**
   * Saves the local-application form and returns the app's page in the portal for a browser: it frames the
   * install path (handler path once installed), POSTs the frame and answers the SDK's postMessage commands.
   */
  appPageUrl(o: { installUrl: string; handlerUrl: string; userId?: number }): string
  /** A deal's or lead's card as a browser opens it, with the app's detail tab framed (after the install bound it). */
  cardPageUrl(entity: 'deal' | 'lead', id: string, userId?: number): string
  /** New application_token, bindings removed, ONAPPUPDATE to the handlers bound for it. */
  updateApp(o?: { version?: string; userId?: number }): Promise<void>
  /** ONAPPUNINSTALL to its handler, then bindings removed and every token invalid. */
  uninstallApp(o?: { clean?: boolean }): Promise<void>
  /** Frame POST to the widget bound for `placement` (or o.url); PLACEMENT_OPTIONS as PHP json_encode writes it (URI added on deal/lead tabs). */
  openPlacement(o: { placement: string; options: Record<string, string>; userId?: number; url?: string }): Promise<FakeReply>
  /** Opens the app's main page (PLACEMENT=DEFAULT) at url for a user. */
  openApp(o: { url: string; userId?: number }): Promise<FakeReply>
  /** POSTs any body to a URL, for bad-input tests. */
  sendRawEvent(url: string, body: string, contentType?: string): Promise<FakeReply>
  /**
   * The redirect URI saved in the app's settings: where /oauth/authorize/ sends a logged-in user back with
   * `code`, `state`, `domain`, `member_id`, `scope`, `server_domain` (settings/oauth/index.md).
   */
  setRedirectUri(url: string): void
  /** The Cookie header value that stands for `userId` being logged in to the portal (default 1). */
  sessionCookie(userId?: number): string
  /**
   * Token answers of the authorization_code grant name this member_id instead of the portal's own (null: its own):
   * a code of another portal exchanged at a shared OAuth server, as oauth.bitrix.info serves every portal.
   */
  answerTokensAs(memberId: string | null): void
  /** Every issued access token now answers 401 expired_token. */
  expireAccessTokens(): void
  /** Every issued refresh token now answers invalid_grant. */
  revokeRefreshTokens(): void
  /** Every access and refresh token the portal has issued (the last 20 000 of each). */
  issuedTokens(): string[]
  /** Change records as portal users; changes fire events like REST changes. */
  readonly data: FakeData
  readonly eventBindings: ReadonlyArray<FakeEventBinding>
  readonly placementBindings: ReadonlyArray<FakePlacementBinding>
  readonly deliveries: ReadonlyArray<FakeDelivery>
  /** The offline event queue, every source, oldest first (event.offline.list reads one source of it). */
  readonly offlineEvents: ReadonlyArray<FakeOfflineRecord>
  /** Resolves when every queued event has been delivered or dropped. */
  flushEvents(): Promise<void>
  readonly faults: FakeFaults
  /** Every REST request and every batch sub-call (bounded to the last 10 000). */
  readonly calls: ReadonlyArray<FakeCall>
  /** Every token request to the OAuth server. */
  readonly oauthCalls: ReadonlyArray<FakeOAuthCall>
  clearCalls(): void
  close(): Promise<void>
}

function rateOf(options: FakePortalOptions, family: string): { burst: number; perSecond: number } | null {
  if (options.rateLimit === 'off') return null
  if (options.rateLimit !== undefined) return options.rateLimit
  return family === 'ent' ? { burst: 250, perSecond: 5 } : { burst: 50, perSecond: 2 }
}

/** Starts both listeners, seeds the portal and returns its handle; call close() when done. */
export async function startFakePortal(options: FakePortalOptions = {}): Promise<FakePortal> {
  const family = options.licenseFamily ?? 'project'
  const rate = rateOf(options, family)
  const faults = new FaultBook()
  const out = new Outgoing()
  const now = options.now ?? ((): number => Date.now())
  const ttl = options.accessTokenTtlSeconds ?? 3600
  let state: PortalState | undefined
  let pages: AppPages | undefined
  const portal = await listen(async (req, res) => {
    if (pages !== undefined && (await pages.handle(req, res))) return
    if (new URL(req.url ?? '/', 'http://portal.invalid').pathname === AUTHORIZE_PATH) return handleAuthorize(requireState(), req, res)
    await handlePortal(requireState(), req, res)
  })
  const oauth = await listen((req, res) => handleOAuth(requireState(), req, res))
  function requireState(): PortalState {
    if (state === undefined) throw new Error('fake portal is starting')
    return state
  }
  const host = new URL(portal.url).host
  state = {
    cfg: {
      memberId: options.memberId ?? randomHex(16), domain: options.domain ?? host, clientId: options.clientId ?? 'local.fake0000000000.00000000',
      clientSecret: options.clientSecret ?? 'fake-client-secret', licenseFamily: family, language: options.language ?? 'ru',
      offset: options.timeZoneOffset ?? '+03:00', url: portal.url, clientEndpoint: `${portal.url}/rest/`, oauthUrl: oauth.url,
      serverEndpoint: `${oauth.url}/rest/`, scope: 'crm,task,im,user,department,disk,placement', ttlSeconds: ttl,
      features: { rest_offline_extended: true, rest_auth_connector: true, ...options.features }, automation: options.automation ?? true,
      offlineEventData: options.offlineEventData ?? 'identifiers', frames: options.frames ?? 'captured',
      eventHandlerId: options.eventHandlerId ?? true, taskCard: options.taskCard ?? 'new',
      sliderPaths: options.sliderPaths ?? 'current',
    },
    store: createStore(),
    tokens: new TokenRegistry(ttl, now),
    app: { present: false, finished: false, applicationToken: null, version: '1', installerId: 1, host: null },
    eventBindings: [], eventBindingSeq: { next: 1 }, placementBindings: [],
    robots: new Map(), robotRuns: new Map(), robotAnswers: [],
    events: new EventQueue(faults, out, now),
    offline: new OfflineQueue(now, () => requireState().cfg.offset, () => requireState().cfg.offlineEventData),
    offlineNotified: { at: new Map(), thisTick: new Set() },
    callConnector: '',
    faults,
    bucket: rate === null ? null : new LeakyBucket(rate.burst, rate.perSecond, now),
    calls: [], oauthCalls: [], operating: new Map(), now,
    authorize: { codes: new Map(), redirectUri: null, answerMemberId: null },
  }
  seedPortal(state, options.seed !== false)
  const s = state
  const appPages = new AppPages(s)
  pages = appPages
  const data = createFakeData(s, out)
  return {
    url: s.cfg.url, clientEndpoint: s.cfg.clientEndpoint, oauthUrl: s.cfg.oauthUrl, serverEndpoint: s.cfg.serverEndpoint,
    memberId: s.cfg.memberId, domain: s.cfg.domain, clientId: s.cfg.clientId, clientSecret: s.cfg.clientSecret,
    get applicationToken() { return s.app.applicationToken },
    get installed() { return s.app.present && s.app.finished },
    installApp: (o) => installApp(s, o.installUrl, o.userId ?? 1),
    openInstallFrame: (o) => openInstallFrame(s, out, o.url, o.userId ?? 1),
    finishInstall: (o) => finishInstall(s, true, o?.userId),
    appPageUrl: (o) => appPages.register({ installUrl: o.installUrl, handlerUrl: o.handlerUrl }, o.userId ?? 1),
    cardPageUrl: (entity, id, userId = 1) => `${s.cfg.url}/crm/${entity}/details/${id}/${userId === 1 ? '' : `?user=${userId}`}`,
    updateApp: (o) => updateApp(s, o?.version, o?.userId ?? 1),
    uninstallApp: (o) => uninstallApp(s, o?.clean ?? false),
    openPlacement: (o) => openPlacement(s, out, o),
    openApp: (o) => framePost(s, out, o.url, o.userId ?? 1, 'DEFAULT', null),
    sendRawEvent: (url, body, contentType = 'application/x-www-form-urlencoded') => out.post(url, body, contentType),
    setRedirectUri: (url) => { s.authorize.redirectUri = url },
    sessionCookie: (userId = 1) => `${PORTAL_USER_COOKIE}=${userId}`,
    answerTokensAs: (memberId) => { s.authorize.answerMemberId = memberId },
    expireAccessTokens: () => s.tokens.expireAll(),
    revokeRefreshTokens: () => s.tokens.revokeRefresh(),
    issuedTokens: () => s.tokens.issued(),
    data,
    get eventBindings() { return s.eventBindings },
    get placementBindings() { return s.placementBindings },
    get deliveries() { return s.events.deliveries },
    get offlineEvents() { return s.offline.all },
    flushEvents: () => s.events.flush(),
    faults,
    get calls() { return s.calls },
    get oauthCalls() { return s.oauthCalls },
    clearCalls: () => { s.calls.length = 0 },
    close: async () => {
      s.events.close()
      out.abortAll()
      await Promise.all([closeServer(portal.server), closeServer(oauth.server)])
    },
  }
}
