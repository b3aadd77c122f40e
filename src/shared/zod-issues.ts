// What a failed zod parse says, in the app's words: the first issue's path, its message, and what kind it is.
import type { z } from 'zod'

/** The first issue of a failed parse. */
export interface FirstIssue {
  /** Where, as keys from the root (an unknown key itself is not in it: see `unknownKey`). */
  path: string[]
  /** zod's message, or 'is invalid' when there is none. */
  message: string
  /** True when the value was not given at all. */
  missing: boolean
  /** The key the schema does not know (`unrecognized_keys`), or undefined. */
  unknownKey: string | undefined
}

/** The first issue of `error`, which every message the app gives about bad input names. */
export function firstIssue(error: z.ZodError): FirstIssue {
  const issue = error.issues[0]
  return {
    path: issue?.path.map(String) ?? [],
    message: issue?.message ?? 'is invalid',
    missing: issue?.code === 'invalid_type' && issue.input === undefined,
    unknownKey: issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined,
  }
}

/** "<path> <message>" with the path dotted, `root` naming the top level: the one line a 400 or a start-up error says. */
export function issueLine(error: z.ZodError, root: string): string {
  const { path, message } = firstIssue(error)
  return `${path.join('.') || root} ${message}`
}
