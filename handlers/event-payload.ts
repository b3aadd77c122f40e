// Parses the portal's form-encoded event POSTs (nested keys, string values) into plain events.
import { z } from 'zod'
import { BadRequestError } from '../src/errors.js'
import { parseOrThrow } from './parse.js'

const text = z.string().trim().min(1)

/** The `auth` block every event carries; tokens are absent when a robot or workflow made the change. */
const eventAuth = z.object({
  member_id: text,
  application_token: text,
  domain: z.string().optional(),
  client_endpoint: z.string().optional(),
  server_endpoint: z.string().optional(),
  access_token: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.string().optional(),
  scope: z.string().optional(),
  status: z.string().optional(),
})

const eventBody = z.object({
  event: text.transform((code) => code.toUpperCase()),
  event_handler_id: z.string().optional(),
  data: z.unknown().optional(),
  ts: z.string().regex(/^\d+$/, 'must be a unix time'),
  auth: eventAuth,
})

/** One parsed event before it is verified. */
export type PortalEvent = z.infer<typeof eventBody>

const id = z.string().regex(/^\d+$/, 'must be a numeric id')
const crmData = z.object({ FIELDS: z.object({ ID: id }) }).transform((data) => ({ id: data.FIELDS.ID, extra: {} }))
const taskData = z.object({ FIELDS_AFTER: z.object({ ID: id }) }).transform((data) => ({ id: data.FIELDS_AFTER.ID, extra: {} }))
const taskDeleteData = z
  .object({ FIELDS_BEFORE: z.object({ ID: id }) })
  .transform((data) => ({ id: data.FIELDS_BEFORE.ID, extra: {} }))
// With the new task card a comment arrives with ID 0 and a MESSAGE_ID: the record is the task.
const taskCommentData = z
  .object({ FIELDS_AFTER: z.object({ ID: id, TASK_ID: id, MESSAGE_ID: id.optional() }) })
  .transform(({ FIELDS_AFTER: fields }) => ({
    id: fields.TASK_ID,
    extra: { commentId: fields.ID, messageId: fields.MESSAGE_ID ?? null } as Record<string, unknown>,
  }))

type RecordData = z.ZodType<{ id: string; extra: Record<string, unknown> }>

/** Which entity an event is about and where its id sits, by event code. */
const RECORD_OF: Record<string, { entity: string; data: RecordData }> = {
  ONCRMDEALMOVETOCATEGORY: { entity: 'deal', data: crmData },
  ONTASKADD: { entity: 'task', data: taskData },
  ONTASKUPDATE: { entity: 'task', data: taskData },
  ONTASKDELETE: { entity: 'task', data: taskDeleteData },
  ONTASKCOMMENTADD: { entity: 'task', data: taskCommentData },
}
for (const entity of ['LEAD', 'DEAL', 'COMPANY', 'CONTACT', 'ACTIVITY']) {
  for (const action of ['ADD', 'UPDATE', 'DELETE']) {
    RECORD_OF[`ONCRM${entity}${action}`] = { entity: entity.toLowerCase(), data: crmData }
  }
}

/** The app's own lifecycle events, handled at once rather than queued. */
export const LIFECYCLE_EVENTS = ['ONAPPINSTALL', 'ONAPPUPDATE', 'ONAPPUNINSTALL'] as const

/** Parses a form body into an event; throws BadRequestError saying which field is wrong. */
export function parseEvent(body: unknown): PortalEvent {
  return parseOrThrow(eventBody, body, 'MALFORMED_EVENT')
}

/** The record an event is about; throws BadRequestError for an unsupported code or a missing id. */
export function recordOf(event: PortalEvent): { entity: string; entityId: string; extra: Record<string, unknown> } {
  const where = RECORD_OF[event.event]
  if (!where) throw new BadRequestError(`Event ${event.event} is not one the app handles`, 'UNSUPPORTED_EVENT')
  const { id: entityId, extra } = parseOrThrow(where.data, event.data, 'MALFORMED_EVENT', 'data')
  return { entity: where.entity, entityId, extra }
}
