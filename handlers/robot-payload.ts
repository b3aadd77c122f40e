// Parses the portal's robot calls (a registered robot's step running on a document) into plain data.
import { z } from 'zod'
import { memberIdField, parseOrThrow } from './parse.js'

const text = z.string().trim().min(1)
const digits = z.string().regex(/^\d+$/, 'must be a string of digits')

/** The `auth` block of a robot call: the tokens of the step's user, member_id and application_token to verify it by. */
const robotAuth = z.object({
  member_id: memberIdField,
  application_token: text,
  access_token: z.string().optional(),
  refresh_token: z.string().optional(),
  expires: z.string().optional(),
  expires_in: z.string().optional(),
  scope: z.string().optional(),
  domain: z.string().optional(),
  server_endpoint: z.string().optional(),
  client_endpoint: z.string().optional(),
  // `F`, `L` and a 2025 capture's undocumented `S`: kept as sent, never checked.
  status: z.string().optional(),
  user_id: z.string().optional(),
})

// PHP brackets give `document_id[0..2]` as a list; a form whose indexes qs kept as keys is read the same way.
const triple = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.values(value) : value),
  z.tuple([text, text, text], { error: 'must be three strings (module, object, document)' }),
)

const robotBody = z.object({
  workflow_id: text,
  code: text,
  document_id: triple,
  document_type: triple,
  event_token: text,
  // http_build_query sends no field for an empty array: a robot without properties has no `properties` key.
  properties: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional().default({}),
  // Absent in a 2021 capture; the step then waits, as `Y` (bizproc-robot-add.md: empty "is equivalent to waiting").
  use_subscription: z.enum(['Y', 'N']).optional(),
  timeout_duration: digits.optional(),
  // A string of digits from real portals; anything else is read as absent and the arrival time stands in, as for events.
  ts: z.preprocess((ts) => (typeof ts === 'string' && /^\d+$/.test(ts) ? ts : undefined), z.string().optional()),
  auth: robotAuth,
})

/** The document a robot runs on, from `document_id[2]`: `LEAD_1505`, `DEAL_17`, `DYNAMIC_1032_4`. */
export type RobotDocument =
  | { entity: 'lead'; id: string }
  | { entity: 'deal'; id: string }
  | { entity: 'item'; entityTypeId: number; id: string }
  /** Any other document (a contact, a company, a task): the call is valid, the step is one the app must answer with an error. */
  | { entity: 'unsupported'; documentId: string }

/** One parsed robot call before it is verified; unknown extra keys are dropped. */
export type RobotCall = Omit<z.infer<typeof robotBody>, 'use_subscription'> & {
  /** Whether the step waits for bizproc.event.send: true unless `use_subscription=N`. */
  waits: boolean
  use_subscription?: 'Y' | 'N'
  document: RobotDocument
}

/** The document of `document_id[2]`; an id the app does not run robots on is `unsupported`, never an error. */
export function robotDocument(documentId: string): RobotDocument {
  const plain = /^(LEAD|DEAL)_([1-9]\d*)$/.exec(documentId)
  if (plain?.[1] === 'LEAD' && plain[2] !== undefined) return { entity: 'lead', id: plain[2] }
  if (plain?.[1] === 'DEAL' && plain[2] !== undefined) return { entity: 'deal', id: plain[2] }
  const dynamic = /^DYNAMIC_([1-9]\d*)_([1-9]\d*)$/.exec(documentId)
  if (dynamic?.[1] !== undefined && dynamic[2] !== undefined) return { entity: 'item', entityTypeId: Number(dynamic[1]), id: dynamic[2] }
  return { entity: 'unsupported', documentId }
}

/** Parses a form body into a robot call; throws BadRequestError (MALFORMED_ROBOT_CALL) saying which field is wrong. */
export function parseRobotCall(body: unknown): RobotCall {
  const call = parseOrThrow(robotBody, body, 'MALFORMED_ROBOT_CALL')
  return { ...call, waits: call.use_subscription !== 'N', document: robotDocument(call.document_id[2]) }
}
