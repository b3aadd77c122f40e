// One way to turn outside input into typed data: zod, and a 400 that names the bad field.
import { z } from 'zod'
import { BadRequestError } from '../src/errors.js'

/** Parses `value` with `schema`; throws BadRequestError("<path> is missing" / "<path> <problem>") with `code`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, code: string, prefix = ''): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = [prefix, ...(issue?.path.map(String) ?? [])].filter(Boolean).join('.') || 'body'
  const missing = issue?.code === 'invalid_type' && issue.input === undefined
  throw new BadRequestError(missing ? `${path} is missing` : `${path} ${issue?.message ?? 'is invalid'}`, code)
}
