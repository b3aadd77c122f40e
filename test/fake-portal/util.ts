// Small helpers shared by the fake portal: ids, tokens, case-insensitive params, bounded logs.
import { randomBytes } from 'node:crypto'

/** Parameters of a REST call after body and query parsing. */
export type Params = Record<string, unknown>

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Lower-case hex of `bytes` random bytes (memberId, APP_SID, application_token). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A 32-character token in the alphabet real access and refresh tokens use. */
export function randomToken(): string {
  const raw = randomBytes(32)
  let out = ''
  for (const byte of raw) out += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]
  return out
}

/** Reads a top-level parameter whatever its case (`id`, `ID`, `Id`), as Bitrix24 does. */
export function param(params: Params, name: string): unknown {
  if (name in params) return params[name]
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === wanted) return value
  }
  return undefined
}

/** Appends to a log and drops the oldest tenth once it passes `max`, so logs stay bounded. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item)
  if (list.length > max) list.splice(0, list.length - Math.floor(max * 0.9))
}

/** A scalar as the string Bitrix24 puts on the wire; null and undefined become ''. */
export function str(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'Y' : 'N'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A positive integer id from a parameter, or null when it is missing or not one. */
export function toId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
    const n = Number(value.trim())
    return n > 0 ? n : null
  }
  return null
}

/** What PHP's json_encode makes of an associative array: an empty one is `[]`, 0..n-1 keys a list. */
export function phpArray(map: Record<string, unknown>): unknown {
  const keys = Object.keys(map)
  if (keys.length === 0) return []
  if (keys.every((key, index) => key === String(index))) return keys.map((key) => map[key])
  return map
}

/** Y/N from the many ways clients spell a flag (true, 1, 'Y', 'true'). */
export function yn(value: unknown): 'Y' | 'N' {
  if (value === true || value === 1) return 'Y'
  if (typeof value === 'string' && ['y', '1', 'true'].includes(value.toLowerCase())) return 'Y'
  return 'N'
}

/** Waits `ms` milliseconds (0 resolves on the next macrotask). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
