// Hostile requests, generated from a seed: random bytes, forms and JSON built from the names the portal's requests use
// and the values an attacker tries (other hosts, prototype keys, huge and odd strings, the installed portal's member_id
// with tokens it never issued). The same seed gives the same requests, so a failure can be replayed.
import { seeded } from '../fake-portal/chaos.js'

/** One generated request body with its content type (a GET route takes `query` instead), and the headers it carries. */
export interface HostileRequest {
  payload: string | Buffer
  contentType: string
  query: string
  headers: Record<string, string>
}

/** What a route's genuine request looks like, as a flat form (`auth[member_id]`), and sessions to send and tamper with. */
export interface RouteShape {
  template: Readonly<Record<string, string>>
  sessionHeader: string
  sessions: readonly string[]
}

// The names the portal's own requests carry (events, install, placements, robots, the OAuth callback, the pages' own).
const KEYS = [
  'event', 'event_handler_id', 'ts', 'data[FIELDS][ID]', 'data[FIELDS_AFTER][ID]', 'data[CLEAN]', 'data[VERSION]',
  'auth[member_id]', 'auth[application_token]', 'auth[access_token]', 'auth[refresh_token]', 'auth[domain]',
  'auth[client_endpoint]', 'auth[server_endpoint]', 'auth[expires_in]', 'auth[scope]', 'auth[status]',
  'member_id', 'AUTH_ID', 'AUTH_EXPIRES', 'REFRESH_ID', 'DOMAIN', 'PROTOCOL', 'APP_SID', 'LANG', 'PLACEMENT',
  'PLACEMENT_OPTIONS', 'APPLICATION_TOKEN', 'status', 'code', 'state', 'scope', 'server_domain', 'session', 'config',
  'kind', 'from', 'to', 'scope', 'entity', 'id', 'ruleId', 'reason', 'workflow_id', 'code', 'document_id[0]',
  'document_id[1]', 'document_id[2]', 'document_type[2]', 'event_token', 'properties[rules]', 'properties[amount]',
  'use_subscription', 'timeout_duration', '__proto__[polluted]', 'constructor[prototype][polluted]',
  'a[b][c][d][e][f][g][h][i][j][k]', 'list[]', '[]', 'x'.repeat(300),
]

/** Values an attacker tries; `memberId` is the installed portal's, `hostile` a server that must never be called. */
export function hostileValues(memberId: string, hostile: string): string[] {
  return [
    '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'undefined', 'true', '[]', '{}', '{"__proto__":{"polluted":1}}',
    memberId, memberId.toUpperCase(), `${memberId} `, 'a'.repeat(32), 'not-a-member-id',
    'ONCRMLEADADD', 'ONCRMDEALUPDATE', 'ONTASKUPDATE', 'ONAPPINSTALL', 'ONAPPUPDATE', 'ONAPPUNINSTALL', 'ONOFFLINEEVENT',
    'CRM_DEAL_DETAIL_TAB', 'CRM_LEAD_DETAIL_TAB', 'DEFAULT', 'LEAD_1', 'DEAL_1', 'DYNAMIC_1032_4', 'crm', 'ru', 'en',
    hostile, `${hostile}/rest/`, hostile.replace('http://', ''), 'http://169.254.169.254/latest/meta-data/',
    'file:///etc/passwd', 'javascript:alert(1)', 'http://evil.example/rest/', '//evil.example', 'evil.example',
    '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE portals; --', '../../../../etc/passwd', '%00', '\u0000',
    '\uFEFF', '𝕏'.repeat(50), 'Ω≈ç√∫', 'ё'.repeat(1000), 'x'.repeat(70_000), '{"IFRAME":"Y","ID":"1"}',
    '{"ID":"-1"}', '{"ID":"1e9999"}', JSON.stringify({ rules: { 'LEAD-CONTACT-SLA': { within: 'P-1D' } } }),
    '2026-12-05', '2026-02-30', '9999-99-99', '0000-00-00T00:00:00Z', '12345678901234567890', 'Y', 'N',
  ]
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

// Any value, nested to `depth`: objects with the portal's names, arrays, strings, numbers, null.
function jsonValue(random: () => number, values: readonly string[], depth: number): unknown {
  const roll = random()
  if (depth <= 0 || roll < 0.45) return pick(random, [pick(random, values), Math.floor(random() * 2e9) - 1e9, null, true, 1.5, -0])
  if (roll < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => jsonValue(random, values, depth - 1))
  const object: Record<string, unknown> = {}
  for (let i = Math.floor(random() * 6); i > 0; i--) {
    const key = pick(random, KEYS).replace(/\[.*$/, '')
    object[key === '__proto__' ? '__proto__' : key] = jsonValue(random, values, depth - 1)
  }
  return object
}

function formBody(random: () => number, values: readonly string[]): string {
  const pairs: string[] = []
  for (let i = 1 + Math.floor(random() * 12); i > 0; i--) {
    const value = pick(random, values)
    // Mostly encoded as a browser would; sometimes raw, so that broken escapes arrive too.
    pairs.push(random() < 0.85 ? `${encodeURIComponent(pick(random, KEYS))}=${encodeURIComponent(value)}` : `${pick(random, KEYS)}=${value.slice(0, 200)}%`)
  }
  return pairs.join('&')
}

// A genuine request with some of its values replaced, some names dropped, an odd one added: past the first checks.
function mutated(random: () => number, values: readonly string[], template: Readonly<Record<string, string>>): Record<string, string> {
  const form: Record<string, string> = {}
  for (const [key, value] of Object.entries(template)) {
    const roll = random()
    if (roll < 0.08) continue
    form[key] = roll < 0.35 ? pick(random, values) : value
  }
  if (random() < 0.3) form[pick(random, KEYS)] = pick(random, values)
  return form
}

// The form's bracket names as nested JSON (auth[member_id] → {auth: {member_id}}).
function nested(form: Readonly<Record<string, string>>): Record<string, unknown> {
  const root: Record<string, any> = {}
  for (const [key, value] of Object.entries(form)) {
    const path = key.split(/\]?\[|\]/).filter(Boolean)
    let node = root
    path.slice(0, -1).forEach((part) => (node = node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {}))
    node[path.at(-1) ?? key] = value
  }
  return root
}

// A session header: none, a random string, one of the sessions, or one of them with a character changed.
function sessionHeaders(random: () => number, shape: RouteShape, values: readonly string[]): Record<string, string> {
  const roll = random()
  if (roll < 0.3 || shape.sessions.length === 0) return {}
  if (roll < 0.5) return { [shape.sessionHeader]: pick(random, values).slice(0, 2_000) }
  const genuine = pick(random, shape.sessions)
  const at = Math.floor(random() * genuine.length)
  const tampered = genuine.slice(0, at) + (genuine[at] === 'A' ? 'B' : 'A') + genuine.slice(at + 1)
  return { [shape.sessionHeader]: tampered }
}

const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/x-www-form-urlencoded; charset=koi8-r', 'application/json; charset=utf-16']

/**
 * `count` hostile requests for one route, from `seed`: a tenth random bytes, a third random forms or JSON, the rest the
 * route's genuine request (`shape`) mutated, as a form or as JSON; `memberId` is the installed portal's, `hostile` a
 * server that must never be called.
 */
export function* hostileRequests(seed: number, count: number, shape: RouteShape, memberId: string, hostile: string): Generator<HostileRequest> {
  const random = seeded(seed)
  const values = hostileValues(memberId, hostile)
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  for (let n = 0; n < count; n++) {
    const roll = random()
    const headers = sessionHeaders(random, shape, values)
    const genuine = mutated(random, values, shape.template)
    const query = (random() < 0.5 ? form(genuine) : formBody(random, values)).slice(0, 4_000)
    if (roll < 0.1) {
      const bytes = Buffer.alloc(Math.floor(random() * 2_048))
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256)
      yield { payload: bytes, contentType: pick(random, CONTENT_TYPES), query, headers }
    } else if (roll < 0.25) {
      yield { payload: formBody(random, values), contentType: random() < 0.9 ? CONTENT_TYPES[0]! : pick(random, CONTENT_TYPES), query, headers }
    } else if (roll < 0.4) {
      const text = JSON.stringify(jsonValue(random, values, 1 + Math.floor(random() * 20))) ?? 'null'
      // Sometimes cut short: JSON that does not end.
      yield { payload: random() < 0.1 ? text.slice(0, Math.floor(text.length / 2)) : text, contentType: random() < 0.9 ? 'application/json' : pick(random, CONTENT_TYPES), query, headers }
    } else if (roll < 0.7) {
      yield { payload: form(genuine), contentType: CONTENT_TYPES[0]!, query, headers }
    } else {
      yield { payload: JSON.stringify(nested(genuine)), contentType: 'application/json', query, headers }
    }
  }
}
