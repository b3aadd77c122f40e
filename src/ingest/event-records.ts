// Which record an event is about, by event code: one table for online events and offline queue records.
import { z } from 'zod'
import type { Entity } from '../../rules/types.js'

// Online events arrive form-encoded, every value a string; offline queue records arrive as JSON, where an id may be a number.
const id = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().regex(/^\d+$/, 'must be a numeric id'))
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

/** Reads the record id (and extra detail) out of an event's `data`. */
export type RecordData = z.ZodType<{ id: string; extra: Record<string, unknown> }>

/** The record an event is about. */
export interface EventRecord {
  entity: Entity
  entityId: string
  extra: Record<string, unknown>
}

const RECORD_OF: Record<string, { entity: Entity; data: RecordData }> = {
  ONCRMDEALMOVETOCATEGORY: { entity: 'deal', data: crmData },
  ONTASKADD: { entity: 'task', data: taskData },
  ONTASKUPDATE: { entity: 'task', data: taskData },
  ONTASKDELETE: { entity: 'task', data: taskDeleteData },
  ONTASKCOMMENTADD: { entity: 'task', data: taskCommentData },
}
for (const entity of ['lead', 'deal', 'company', 'contact', 'activity'] as const) {
  for (const action of ['ADD', 'UPDATE', 'DELETE']) {
    RECORD_OF[`ONCRM${entity.toUpperCase()}${action}`] = { entity, data: crmData }
  }
}

/** The entity an event code is about and the parser of its `data`; undefined for a code the app does not handle. */
export function recordKindOf(code: string): { entity: Entity; data: RecordData } | undefined {
  return RECORD_OF[code.toUpperCase()]
}

/** The record behind an event code and its `data`, or undefined when the code is not handled or the data names no record. */
export function readEventRecord(code: string, data: unknown): EventRecord | undefined {
  const kind = recordKindOf(code)
  if (!kind) return undefined
  const parsed = kind.data.safeParse(data)
  if (!parsed.success) return undefined
  return { entity: kind.entity, entityId: parsed.data.id, extra: parsed.data.extra }
}
