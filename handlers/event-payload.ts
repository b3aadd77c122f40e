// Parses the portal's form-encoded event POSTs (nested keys, string values) into plain events.
import { z } from 'zod'
import { BadRequestError } from '../src/shared/app-error.js'
import { recordKindOf, type EventRecord } from '../src/ingest/event-records.js'
import { memberIdField, parseOrThrow } from './parse.js'

const text = z.string().trim().min(1)

/** The `auth` block every event carries; tokens are absent when a robot or workflow made the change. */
const eventAuth = z.object({
  member_id: memberIdField,
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
  // A string of digits from real portals; anything else is read as absent and the arrival time stands in.
  ts: z.preprocess((ts) => (typeof ts === 'string' && /^\d+$/.test(ts) ? ts : undefined), z.string().optional()),
  auth: eventAuth,
})

/** One parsed event before it is verified. */
export type PortalEvent = z.infer<typeof eventBody>

/** Parses a form body into an event; throws BadRequestError saying which field is wrong. */
export function parseEvent(body: unknown): PortalEvent {
  return parseOrThrow(eventBody, body, 'MALFORMED_EVENT')
}

/** The record an event is about; throws BadRequestError for an unsupported code or a missing id. */
export function recordOf(event: PortalEvent): EventRecord {
  const where = recordKindOf(event.event)
  if (!where) throw new BadRequestError(`Event ${event.event} is not one the app handles`, 'UNSUPPORTED_EVENT')
  const { id: entityId, extra } = parseOrThrow(where.data, event.data, 'MALFORMED_EVENT', 'data')
  return { entity: where.entity, entityId, extra }
}
