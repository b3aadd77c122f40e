// One way to turn outside input into typed data: zod, and a 400 that names the bad field.
import { z } from 'zod'
import { BadRequestError } from '../src/shared/app-error.js'
import { firstIssue } from '../src/shared/zod-issues.js'

/** A portal's member_id as every portal sends it: 32 hexadecimal characters (anything else names no portal). */
export const memberIdField = z.string().trim().regex(/^[0-9a-f]{32}$/i, 'must be the portal member_id')

/** Parses `value` with `schema`; throws BadRequestError("<path> is missing" / "<path> <problem>") with `code`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, code: string, prefix = ''): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = firstIssue(parsed.error)
  const path = [prefix, ...issue.path].filter(Boolean).join('.') || 'body'
  throw new BadRequestError(issue.missing ? `${path} is missing` : `${path} ${issue.message}`, code)
}
