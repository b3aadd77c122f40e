// The portal's automation: the app's registered robots (bizproc.robot.*), robot runs on documents, and their answers.
import { RestError } from '../envelope.js'
import { encodeForm, type Outgoing } from '../http.js'
import type { PortalState } from '../state.js'
import type { FakeReply, FakeRobot, FakeRobotProperty, FakeRobotRun } from '../types.js'
import { isRecord, param, randomHex, randomToken, str } from '../util.js'

/** The property types bizproc-robot-add.md lists as basic; the fake takes no others, so the app registers none. */
export const PROPERTY_TYPES = ['bool', 'date', 'datetime', 'double', 'file', 'int', 'select', 'string', 'text', 'user'] as const

// Codes: "Allowed characters are a-z, A-Z, 0-9, dot, hyphen, and underscore" (bizproc-robot-add.md).
const CODE = /^[A-Za-z0-9._-]+$/
// Property keys: "must start with a letter and can contain characters a-z, A-Z, 0-9, and underscore".
const PROPERTY_KEY = /^[A-Za-z][A-Za-z0-9_]*$/

/** ERROR_ACTIVITY_VALIDATION_FAILURE with the documented text, HTTP 400 (bizproc-robot-add.md, "Error Handling"). */
export function invalid(message: string): RestError {
  return new RestError(400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', message)
}

/** The code of a call, or the documented "Empty activity code!" / "Wrong activity code!". */
export function robotCode(params: Record<string, unknown>): string {
  const code = str(param(params, 'CODE')).trim()
  if (code === '') throw invalid('Empty activity code!')
  if (!CODE.test(code)) throw invalid('Wrong activity code!')
  return code
}

/**
 * A handler URL: http or https ("Unsupported handler protocol"), and "The link must have the same domain where the
 * application is installed" ("Wrong handler URL"); the app's domain is the host of its install address.
 */
export function checkHandler(state: PortalState, value: unknown): string {
  const text = str(value).trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new RestError(400, 'ERROR_WRONG_HANDLER_URL', 'Wrong handler URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RestError(400, 'ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol')
  if (state.app.host !== null && url.hostname !== state.app.host) throw new RestError(400, 'ERROR_WRONG_HANDLER_URL', 'Wrong handler URL')
  return text
}

/** NAME or DESCRIPTION: a string, or a map of language → string ("an associative array of localized strings"). */
function localized(value: unknown): string | Record<string, string> | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value
  if (!isRecord(value)) return null
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '')
  return entries.length === 0 ? null : Object.fromEntries(entries)
}

/** The robot's NAME, or "Empty activity NAME!". */
export function robotName(value: unknown): string | Record<string, string> {
  const name = localized(value)
  if (name === null) throw invalid('Empty activity NAME!')
  return name
}

/** PROPERTIES or RETURN_PROPERTIES checked as the docs say: an object of `key → {Name, Type, …}`. */
export function robotProperties(value: unknown): Record<string, FakeRobotProperty> {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return {}
  if (!isRecord(value)) throw invalid('Wrong properties array!')
  const out: Record<string, FakeRobotProperty> = {}
  for (const [key, raw] of Object.entries(value)) {
    if (!PROPERTY_KEY.test(key)) throw invalid(`Wrong property key ${key}!`)
    if (!isRecord(raw)) throw invalid('Wrong properties array!')
    const name = localized(param(raw, 'Name'))
    if (name === null) throw invalid(`Empty property NAME ${key}!`)
    const type = str(param(raw, 'Type')).trim() || 'string'
    // Stricter than the portal, whose list is "basic values": an undocumented type is refused.
    if (!(PROPERTY_TYPES as readonly string[]).includes(type)) throw invalid('Wrong properties array!')
    const options = param(raw, 'Options')
    if (type === 'select' && (!isRecord(options) || Object.keys(options).length === 0)) throw invalid('Wrong properties array!')
    const property: FakeRobotProperty = { Name: name, Type: type, Required: yesNo(param(raw, 'Required')), Multiple: yesNo(param(raw, 'Multiple')) }
    const description = localized(param(raw, 'Description'))
    if (description !== null) property.Description = description
    if (isRecord(options)) property.Options = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, str(v)]))
    const fallback = param(raw, 'Default')
    if (fallback !== undefined) property.Default = fallback
    out[key] = property
  }
  return out
}

function yesNo(value: unknown): 'Y' | 'N' {
  return value === true || str(value).toUpperCase() === 'Y' ? 'Y' : 'N'
}

/** DOCUMENT_TYPE: three strings (module, object, type), or "Wrong activity DOCUMENT_TYPE!". */
export function robotDocumentType(value: unknown): [string, string, string] | null {
  if (value === undefined || value === '') return null
  const list = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : null
  if (list === null || list.length !== 3 || list.some((part) => typeof part !== 'string' || part === '')) throw invalid('Wrong activity DOCUMENT_TYPE!')
  return list as [string, string, string]
}

/** FILTER: an object of INCLUDE / EXCLUDE rules, or "Wrong activity FILTER!". */
export function robotFilter(value: unknown): FakeRobot['filter'] {
  if (value === undefined || value === '') return null
  if (!isRecord(value)) throw invalid('Wrong activity FILTER!')
  const rules = (key: string): Array<string | string[]> | undefined => {
    const raw = param(value, key)
    if (raw === undefined) return undefined
    const list = Array.isArray(raw) ? raw : isRecord(raw) ? Object.values(raw) : null
    if (list === null) throw invalid('Wrong activity FILTER!')
    return list.map((rule) => (typeof rule === 'string' ? rule : Array.isArray(rule) ? rule.map(str) : isRecord(rule) ? Object.values(rule).map(str) : str(rule)))
  }
  const filter: NonNullable<FakeRobot['filter']> = {}
  const include = rules('INCLUDE')
  const exclude = rules('EXCLUDE')
  if (include !== undefined) filter.INCLUDE = include
  if (exclude !== undefined) filter.EXCLUDE = exclude
  return filter
}

/** The three parts of a CRM document id and its type, from `LEAD_1505`, `DEAL_17`, `CONTACT_9`, `COMPANY_3`, `DYNAMIC_1032_4`. */
export function crmDocument(documentId: string): { id: [string, string, string]; type: [string, string, string] } {
  const dynamic = /^DYNAMIC_(\d+)_(\d+)$/.exec(documentId)
  if (dynamic !== null) {
    const object = 'Bitrix\\Crm\\Integration\\BizProc\\Document\\Dynamic'
    return { id: ['crm', object, documentId], type: ['crm', object, `DYNAMIC_${dynamic[1]}`] }
  }
  const plain = /^(LEAD|DEAL|CONTACT|COMPANY)_(\d+)$/.exec(documentId)
  if (plain?.[1] === undefined) throw new Error(`runRobot: ${documentId} is not a CRM document id (LEAD_1, DEAL_1, DYNAMIC_<type>_<id>…)`)
  const object = `CCrmDocument${plain[1].charAt(0)}${plain[1].slice(1).toLowerCase()}`
  return { id: ['crm', object, documentId], type: ['crm', object, plain[1]] }
}

// A FILTER rule matches a document type when it is a prefix of it (`['crm','CCrmDocumentDeal']`); 'b24' is the cloud.
function ruleMatches(rule: string | string[], type: readonly string[]): boolean {
  if (typeof rule === 'string') return rule === 'b24'
  return rule.every((part, index) => type[index] === part)
}

/** Whether the portal offers the robot on documents of `type` (its FILTER's INCLUDE and EXCLUDE). */
export function robotOffered(robot: FakeRobot, type: readonly string[]): boolean {
  const { filter } = robot
  if (filter === null) return true
  if (filter.INCLUDE !== undefined && !filter.INCLUDE.some((rule) => ruleMatches(rule, type))) return false
  return !(filter.EXCLUDE ?? []).some((rule) => ruleMatches(rule, type))
}

/** How a test runs a robot: the values of its properties and how the call is sent. */
export interface RunRobotOptions {
  /** `use_subscription` as sent: the robot's USE_SUBSCRIPTION by default ('Y' unless registered 'N'); 'absent' leaves the key out (a 2021 capture). */
  useSubscription?: 'Y' | 'N' | 'absent'
  /** Whose tokens `auth` carries («Запускать от имени»); default the robot's AUTH_USER_ID, else 1. */
  userId?: number
  /** «Период ожидания» in seconds; default '0' (wait for ever). */
  timeoutDuration?: number
}

/**
 * Runs a robot on a document as the portal does: a form-encoded POST (PHP brackets, every value a string, no `event`)
 * to its HANDLER with `workflow_id, code, document_id[0..2], document_type[0..2], event_token, properties[…],
 * use_subscription, timeout_duration, ts, auth[…]` in the order of the captured calls, `auth` in the 2021 capture's
 * order. Properties the test leaves out arrive as their Default, else `''` ("Empty properties arrive as ''").
 */
export async function runRobot(
  state: PortalState, out: Outgoing, code: string, documentId: string, properties: Record<string, unknown>, o: RunRobotOptions = {},
): Promise<{ reply: FakeReply; run: FakeRobotRun }> {
  const robot = state.robots.get(code)
  if (robot === undefined) throw new Error(`runRobot: no robot ${code} is registered`)
  const document = crmDocument(documentId)
  if (!robotOffered(robot, document.type)) throw new Error(`runRobot: ${code} is not offered on ${document.type.join('/')} (its FILTER)`)
  const workflowId = `${randomHex(7).slice(0, 13)}.${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  const activity = `A${[0, 0, 0, 0].map(() => String(10000 + Math.floor(Math.random() * 89999))).join('_')}`
  const eventToken = `${workflowId}|${activity}|${randomToken()}.${randomHex(32)}`
  const values: Record<string, unknown> = {}
  for (const [key, property] of Object.entries(robot.properties)) values[key] = properties[key] ?? property.Default ?? ''
  for (const [key, value] of Object.entries(properties)) if (!(key in values)) values[key] = value
  const useSubscription = o.useSubscription ?? robot.useSubscription
  const userId = o.userId ?? (robot.authUserId > 0 ? robot.authUserId : 1)
  const pair = state.tokens.issue(userId)
  const { cfg } = state
  const body: Record<string, unknown> = {
    workflow_id: workflowId, code, document_id: document.id, document_type: document.type, event_token: eventToken, properties: values,
  }
  if (useSubscription !== 'absent') body.use_subscription = useSubscription
  Object.assign(body, {
    timeout_duration: String(o.timeoutDuration ?? 0),
    ts: String(Math.floor(state.now() / 1000)),
    auth: {
      access_token: pair.accessToken, expires: String(pair.expires), expires_in: String(pair.expiresIn), scope: cfg.scope, domain: cfg.domain,
      server_endpoint: cfg.serverEndpoint, status: 'L', client_endpoint: cfg.clientEndpoint, member_id: cfg.memberId, user_id: String(userId),
      refresh_token: pair.refreshToken, application_token: state.app.applicationToken ?? '',
    },
  })
  // Without USE_SUBSCRIPTION=Y "the step ends as soon as the request is sent": nothing waits for the token.
  const form = encodeForm(body)
  const run: FakeRobotRun = { code, documentId, eventToken, properties: values, waiting: useSubscription !== 'N', answers: [], body: form }
  state.robotRuns.set(eventToken, run)
  const reply = await out.post(robot.handler, form, 'application/x-www-form-urlencoded')
  return { reply, run }
}
