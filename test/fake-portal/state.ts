// The fake portal's shared state: configuration, store, tokens, app lifecycle, bindings, logs.
import type { LeakyBucket } from './bucket.js'
import type { EventQueue } from './events.js'
import type { FaultBook } from './faults.js'
import type { OfflineQueue } from './offline.js'
import type { Store } from './store.js'
import type { TokenRegistry } from './tokens.js'
import type { FakeCall, FakeEventBinding, FakeOAuthCall, FakePlacementBinding, FakeRobot, FakeRobotAnswer, FakeRobotRun, FeatureCode } from './types.js'

/** Resolved options plus the addresses of both listeners. */
export interface PortalConfig {
  memberId: string
  domain: string
  clientId: string
  clientSecret: string
  licenseFamily: string
  language: string
  offset: string
  url: string
  clientEndpoint: string
  oauthUrl: string
  serverEndpoint: string
  /** APPLICATION_SCOPE / auth[scope] of the installed app. */
  scope: string
  /** Access token lifetime in seconds. */
  ttlSeconds: number
  /** What feature.get answers per code. */
  features: Record<FeatureCode, boolean>
  /** The plan has automation: the bizproc.* methods exist. */
  automation: boolean
  /** EVENT_DATA of offline records: the object's identifiers, or `false` as the docs' examples show. */
  offlineEventData: 'identifiers' | 'false'
  /** Frame POST bodies as captured (no APPLICATION_TOKEN, SERVER_ENDPOINT, APPLICATION_SCOPE) or as documented. */
  frames: 'captured' | 'documented'
  /** Deliveries carry `event_handler_id`. */
  eventHandlerId: boolean
  /** The task card: what ONTASKCOMMENTADD's FIELDS_AFTER holds. */
  taskCard: 'new' | 'old'
  /** Which paths openPath opens in the slider. */
  sliderPaths: 'current' | 'before-22.300'
}

/** The local application's lifecycle as the portal sees it. */
export interface AppState {
  /** Installed (tokens work), finished or not. */
  present: boolean
  /** Installation finished: events are sent, placements shown, app.info INSTALLED true. */
  finished: boolean
  applicationToken: string | null
  version: string
  /** The administrator who installed it (whose tokens ONAPPINSTALL carries after installFinish). */
  installerId: number
  /** The app's domain (host name of its install address): robot handlers must be on it; null until known. */
  host: string | null
}

/** Who made a change: a user (whose tokens go into events) or an automation rule (no tokens). */
export interface Actor {
  userId: number
  robot?: boolean
}

/** Everything the listeners, methods and helpers share. */
export interface PortalState {
  cfg: PortalConfig
  store: Store
  tokens: TokenRegistry
  app: AppState
  eventBindings: FakeEventBinding[]
  eventBindingSeq: { next: number }
  placementBindings: FakePlacementBinding[]
  /** The app's robots by code (bizproc.robot.*); removed on update and uninstall. */
  robots: Map<string, FakeRobot>
  /** Robot runs by event token, and every accepted bizproc.event.send in order. */
  robotRuns: Map<string, FakeRobotRun>
  robotAnswers: FakeRobotAnswer[]
  events: EventQueue
  /** The offline event queue, per source key. */
  offline: OfflineQueue
  /** ONOFFLINEEVENT bindings: when each last notified, and which notified in this tick (minTimeout 0). */
  offlineNotified: { at: Map<number, number>; thisTick: Set<number> }
  /** The `auth_connector` of the REST call (or batch sub-call) now running; '' outside calls and without one. */
  callConnector: string
  faults: FaultBook
  bucket: LeakyBucket | null
  calls: FakeCall[]
  oauthCalls: FakeOAuthCall[]
  /** Per-method operating seconds in one-minute buckets (limits.md). */
  operating: Map<string, Map<number, number>>
  /** The clock; Date.now unless a test replaces it. */
  now: () => number
  /** The full OAuth flow: codes handed out by /oauth/authorize/, the app's redirect URI, the member_id token answers name. */
  authorize: AuthorizeState
}

/** What the full OAuth flow (settings/oauth/index.md) keeps. */
export interface AuthorizeState {
  /** code → the user it was issued to, when it expires (epoch ms), whether it was exchanged. */
  codes: Map<string, { userId: number; expiresAt: number; used: boolean }>
  /** The redirect URI of the app's settings; null until set (the authorize page then shows an error). */
  redirectUri: string | null
  /** The member_id a token answer names; null: this portal's own. */
  answerMemberId: string | null
}

/** Most entries a log keeps before dropping its oldest tenth. */
export const LOG_LIMIT = 10_000
