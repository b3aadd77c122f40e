// Parses a page's frame POST (a card tab, the app's page): who the portal says is looking, and at which record.
import { z } from 'zod'
import { BadRequestError } from '../src/shared/app-error.js'
import { asRecord } from '../src/shared/records.js'
import { issueLine } from '../src/shared/zod-issues.js'
import { memberIdField } from './parse.js'

/** A placement frame as the portal posts it: DOMAIN, LANG in the query; the rest in the body. */
export interface PageFrame {
  memberId: string
  authId: string
  /** Present on some portals only (see real-portal-requests.md); checked when present. */
  applicationToken: string | undefined
  placement: string
  /** PLACEMENT_OPTIONS' ID: the record a card tab is opened on. */
  recordId: string | undefined
  lang: string | undefined
}

const frame = z.object({
  member_id: memberIdField,
  AUTH_ID: z.string().min(1, 'is required'),
  APPLICATION_TOKEN: z.string().optional(),
  PLACEMENT: z.string().default('DEFAULT'),
  // A JSON string ({"ID":"8061"}), or already an object when the form's nested keys were parsed.
  PLACEMENT_OPTIONS: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  LANG: z.string().optional(),
})

/** The frame's fields (query and body merged) → PageFrame; throws BadRequestError naming the bad field. */
export function parsePageFrame(fields: Record<string, unknown>): PageFrame {
  const parsed = frame.safeParse(fields)
  if (!parsed.success) {
    throw new BadRequestError(`Not a portal page request: ${issueLine(parsed.error, 'body')}`, 'MALFORMED_PAGE_REQUEST')
  }
  const { member_id, AUTH_ID, APPLICATION_TOKEN, PLACEMENT, PLACEMENT_OPTIONS, LANG } = parsed.data
  return { memberId: member_id, authId: AUTH_ID, applicationToken: APPLICATION_TOKEN || undefined, placement: PLACEMENT, recordId: recordIdOf(PLACEMENT_OPTIONS), lang: LANG }
}

function recordIdOf(options: string | Record<string, unknown> | undefined): string | undefined {
  let value: unknown = options
  if (typeof options === 'string') {
    try {
      value = JSON.parse(options)
    } catch {
      return undefined
    }
  }
  const id = asRecord(value).ID
  return typeof id === 'string' || typeof id === 'number' ? (/^\d+$/.test(String(id)) ? String(id) : undefined) : undefined
}
