// The fake portal's public types: options, the portal handle, call and delivery records, data helpers.
import type { ChaosCounts, ChaosKind, ChaosOptions } from './chaos.js'

export type { ChaosCounts, ChaosKind, ChaosOptions } from './chaos.js'

/** How to start a fake portal; every field has a documented default. */
export interface FakePortalOptions {
  /** The portal's clock (epoch ms); Date.now unless a test shares a clock it moves with the app. */
  now?: () => number
  /** Portal id; default 32 random hex chars. */
  memberId?: string
  /** Portal host as sent in DOMAIN / auth[domain]; default `127.0.0.1:<port>` of the portal listener. */
  domain?: string
  /** Default 'local.fake0000000000.00000000'. */
  clientId?: string
  /** Default 'fake-client-secret'. */
  clientSecret?: string
  /** app.info LICENSE_FAMILY; default 'project'; 'ent' means Enterprise limits. */
  licenseFamily?: string
  /** Leaky bucket; default 250/5 for 'ent', else 50/2; 'off' disables it. */
  rateLimit?: { burst: number; perSecond: number } | 'off'
  /** Access token lifetime; default 3600. */
  accessTokenTtlSeconds?: number
  /** LANGUAGE_ID and LANG; default 'ru'. */
  language?: string
  /** The portal server offset used for every datetime; default '+03:00'. */
  timeZoneOffset?: string
  /** Default true: a small company of users and departments. */
  seed?: boolean
  /**
   * What `feature.get` answers per documented code (common/system/feature-get.md); default both true.
   * `rest_offline_extended`: offline events with reservation; `rest_auth_connector`: the `auth_connector` key.
   */
  features?: Partial<Record<FeatureCode, boolean>>
  /**
   * Default true: the plan has automation. False: none of the features `bizproc`, `crm_automation_lead`,
   * `crm_automation_deal`, … that make the portal offer the bizproc.* methods (modules/bizproc/lib/restservice.php,
   * shared/notes/robots.md): every bizproc.* method answers ERROR_METHOD_NOT_FOUND, as any method the portal lacks.
   */
  automation?: boolean
  /**
   * What EVENT_DATA of an offline queue record holds. 'identifiers' (default): the online event's `data`
   * (offline-events.md: the record "contains the event name and the identifiers of the modified object");
   * 'false': `false`, as the example answers of event-offline-get.md and event-offline-list.md show.
   */
  offlineEventData?: 'identifiers' | 'false'
  /**
   * What a frame POST (install frame, the app's page, widgets) carries in its body. 'captured' (default), as
   * cloud portals sent it in 2024–2025: `AUTH_ID, AUTH_EXPIRES, REFRESH_ID, member_id, status, PLACEMENT`
   * (+ `PLACEMENT_OPTIONS`), no `APPLICATION_TOKEN`, `SERVER_ENDPOINT` or `APPLICATION_SCOPE`; 'documented':
   * with those three, as settings/oauth/simple-way.md shows.
   */
  frames?: 'captured' | 'documented'
  /** Default true: every event delivery carries `event_handler_id`; false: none does, as in captures from 2018 and 2022. */
  eventHandlerId?: boolean
  /**
   * Which task card the portal runs, i.e. what ONTASKCOMMENTADD carries (on-task-comment-add.md and captures).
   * 'new' (default; the chat card, tasks ≥ 25.700.0): `FIELDS_AFTER[ID]=0`, `MESSAGE_ID`, `TASK_ID`;
   * 'old' (the old card and on-premise portals): the comment's real id in `FIELDS_AFTER[ID]`, `TASK_ID`, no MESSAGE_ID.
   */
  taskCard?: 'new' | 'old'
  /**
   * What the portal's openPath opens in its slider (applayout.js availablePath, bx24-open-path.md): 'current'
   * (default; since 22.300) `/crm/(deal|lead|contact|company|type)/…`; 'before-22.300' no `/crm/type/`, so
   * PATH_NOT_AVAILABLE to SDK 2.x's default slider width, whose path starts `/crm/type/0/details/0/../../../../..`.
   */
  sliderPaths?: 'current' | 'before-22.300'
}

/** The feature codes feature.get documents. */
export type FeatureCode = 'rest_offline_extended' | 'rest_auth_connector'

/** An HTTP answer from the app under test (install POST, frame POST, event delivery). */
export interface FakeReply {
  status: number
  headers: Record<string, string>
  body: string
}

/** One REST request or one batch sub-call, as the portal saw it. */
export interface FakeCall {
  at: number
  /** Lower-case method name. */
  method: string
  /** Parsed parameters without `auth`. */
  params: unknown
  httpStatus: number
  error?: string
  viaBatch: boolean
  userId: number | null
  /** The chaos fault that struck this request (see faults.chaos); a timeout and a disconnect after the work still did it. */
  chaos?: ChaosKind
}

/** One event POST the portal made (or dropped). */
export interface FakeDelivery {
  event: string
  url: string
  /** HTTP status of the handler; 0 when it was unreachable or the delivery was dropped. */
  status: number
  body: string
  at: number
  /** True when a dropEvents fault swallowed it. */
  dropped?: boolean
  /** Network error text when the handler could not be reached. */
  error?: string
}

/** A handler registered with event.bind. */
export interface FakeEventBinding {
  event: string
  handler: string
  authType: string
  offline: boolean
  id: number
  /** The user who bound it (event.get shows non-admins only their own). */
  userId: number
  /** Offline bindings: the source key (`auth_connector`) whose queue the changes go to; '' for none. */
  authConnector: string
  /** `options` as bound, e.g. `{ minTimeout: 1 }` for ONOFFLINEEVENT; null when none. */
  options: Record<string, unknown> | null
}

/** One record of the offline event queue (event-offline-list.md), plus the source it belongs to. */
export interface FakeOfflineRecord {
  ID: string
  TIMESTAMP_X: string
  EVENT_NAME: string
  EVENT_DATA: unknown
  EVENT_ADDITIONAL: unknown
  MESSAGE_ID: string
  /** '' until event.offline.get with clear=0 reserves it. */
  PROCESS_ID: string
  ERROR: '0' | '1'
  /** The `auth_connector` of the binding that queued it; '' for none. */
  connector: string
}

/** A widget registered with placement.bind. */
export interface FakePlacementBinding {
  placement: string
  handler: string
  title: string
  description: string
  langAll: unknown
  options: unknown
  userId: number
}

/** One token request the OAuth server answered. */
export interface FakeOAuthCall {
  at: number
  grantType: string
  status: number
  error?: string
}

/** Who makes a `data.*` change: a portal user (default 1) or an automation rule (no tokens in events). */
export interface ActOptions {
  byUserId?: number
  byRobot?: boolean
}

/** Record fields in the REST spelling (UPPER_CASE for CRM and task input). */
export type Fields = Record<string, unknown>

/** An im.notify.* the portal received. */
export interface FakeNotification {
  id: number
  userId: number
  fromUserId: number | null
  message: string
  messageOut: string | null
  tag: string | null
  subTag: string | null
  kind: 'system' | 'personal'
  at: number
}

/** A crm.timeline.comment.add the portal received. */
export interface FakeTimelineComment {
  id: number
  entityType: string
  entityId: number
  comment: string
  authorId: number
  at: number
}

/** An access right given with an upload or a new folder: `{TASK_ID, ACCESS_CODE}` (`U35` a user, `D7` a department…). */
export interface FakeRight {
  taskId: string
  accessCode: string
}

/** A folder made in the app storage's root with disk.storage.addfolder. */
export interface FakeFolder {
  id: number
  /** Always the storage's root folder: the fake makes folders in the root only. */
  parentId: number
  name: string
  createdBy: number
  at: number
  /** The rights the call gave, as given; they reach every file put in the folder. */
  rights: FakeRight[]
}

/** A file uploaded with disk.folder.uploadfile (base64, or by its upload URL). */
export interface FakeFile {
  id: number
  folderId: number
  name: string
  bytes: Buffer
  createdBy: number
  at: number
  /** The rights the upload itself gave (only the base64 way takes them); the folder's come on top (`data.accessTo`). */
  rights: FakeRight[]
  /** How it came: inside the call, or multipart to the upload URL. */
  via: 'base64' | 'uploadUrl'
}

/**
 * An upload URL handed out by disk.folder.uploadfile without fileContent, waiting for its multipart POST. It holds no
 * rights: the documented token carries only the folder `id` and `generateUniqueName` (disk-folder-upload-file.md#uploadurl).
 */
export interface FakePendingUpload {
  folderId: number
  name: string | null
  generateUniqueName: boolean
  userId: number
}

/** Scripted misbehaviour: REST errors, slowness, lost, doubled and reordered events. */
export interface FakeFaults {
  /**
   * The next `times` (default 1) matching REST requests answer this error, after `skip` (default 0) more went through;
   * error 'HTML' gives nginx's 502 page.
   */
  fail(o: { method?: string; status: number; error: string; description?: string; times?: number; skip?: number }): void
  /** The next matching requests (a batch matches by any of its commands too) are answered `ms` later (the work is done first, as on a real timeout). */
  slow(o: { method?: string; ms: number; times?: number }): void
  /** Every event delivery waits `ms` first. */
  slowEvents(ms: number): void
  /** The next n event deliveries are never sent (logged as dropped). */
  dropEvents(n: number): void
  /** The next n event deliveries are sent twice. */
  duplicateEvents(n: number): void
  /** While on, each batch of queued events is delivered newest first. */
  reorderEvents(on: boolean): void
  /**
   * Seeded chaos until calm() or reset(): `rate` of REST requests fail (500, 503 QUERY_LIMIT_EXCEEDED, 429
   * OPERATION_TIME_LIMIT, an answer held past the client's timeout, a connection cut), and `events.drop` /
   * `events.duplicate` of event deliveries are lost / sent twice (see chaos.ts).
   */
  chaos(o: ChaosOptions): void
  /** Chaos off; its counts stay readable. */
  calm(): void
  /** How often each chaos fault struck since chaos() was last called; null before. */
  readonly chaosCounts: ChaosCounts | null
  /** Clears every fault. */
  reset(): void
}

/** One parameter or return value of a registered robot, as bizproc.robot.add took it (bizproc-robot-add.md#property). */
export interface FakeRobotProperty {
  Name: string | Record<string, string>
  Description?: string | Record<string, string>
  Type: string
  Options?: Record<string, string>
  Required: 'Y' | 'N'
  Multiple: 'Y' | 'N'
  Default?: unknown
}

/** A robot the app registered with bizproc.robot.add. */
export interface FakeRobot {
  code: string
  handler: string
  authUserId: number
  /** 'Y' unless registered 'N': "By default, the parameter is empty, which is equivalent to waiting" (bizproc-robot-add.md). */
  useSubscription: 'Y' | 'N'
  name: string | Record<string, string>
  description: string | Record<string, string> | null
  properties: Record<string, FakeRobotProperty>
  returnProperties: Record<string, FakeRobotProperty>
  documentType: [string, string, string] | null
  filter: { INCLUDE?: Array<string | string[]>; EXCLUDE?: Array<string | string[]> } | null
  usePlacement: 'Y' | 'N'
  placementHandler: string | null
}

/** One accepted bizproc.event.send: the step's answer. */
export interface FakeRobotAnswer {
  eventToken: string
  /** Only the keys the robot declared in RETURN_PROPERTIES ("only keys declared … are kept"). */
  returnValues: Record<string, unknown>
  /** Keys sent in RETURN_VALUES that the robot did not declare, dropped. */
  dropped: string[]
  logMessage: string
  userId: number
  at: number
}

/** One run of a robot on a document (portal.data.runRobot), with the answers its step got. */
export interface FakeRobotRun {
  code: string
  documentId: string
  eventToken: string
  properties: Record<string, unknown>
  /** The step waits for bizproc.event.send (use_subscription not 'N'); false once answered. */
  waiting: boolean
  answers: FakeRobotAnswer[]
  /** The form body POSTed to the handler (a test may deliver it again, or forge it). */
  body: string
}
