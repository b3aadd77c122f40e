// When a failed call may be sent again, and after how long.
import type { B24Error } from './b24-error.js'
import { CLIENT_CODES } from './error-mapping.js'
import type { RetryOptions } from './types.js'
import { backoffDelay } from '../shared/backoff.js'

// Methods that create something or notify someone: if the answer is lost the portal may still
// have done it, so a timeout or 5xx is never retried (b24jssdk issue #24: duplicate *.add).
const NOT_IDEMPOTENT = [
  /\.add$/, // crm.lead.add, task.commentitem.add, crm.timeline.comment.add, im.message.add, ...
  /^im\.notify(\.|$)/,
  /\.send$/, // tasks.task.chat.message.send, ...
  /\.upload/, // disk.folder.uploadfile, disk.storage.uploadfile, disk.file.uploadversion
]

/** True when sending `method` twice has the same effect as once (event.bind, *.get, *.update, *.list). */
export function isIdempotent(method: string): boolean {
  const name = method.toLowerCase()
  return !NOT_IDEMPOTENT.some((pattern) => pattern.test(name))
}

/** Codes the portal sends without having run the call: safe to resend any method. */
const NOT_EXECUTED = { rate: 'QUERY_LIMIT_EXCEEDED', operating: 'OPERATION_TIME_LIMIT' } as const

// 5xx answers that will not get better by asking again (docs: _includes/system-errors.md).
const FINAL_5XX = new Set(['OVERLOAD_LIMIT', 'PORTAL_DELETED'])

/** What the retry decision needs besides the error. */
export interface RetryContext {
  idempotent: boolean
  /** 1 for the try that just failed. */
  attempt: number
  retry: RetryOptions
  /** Unix ms when the method's operating budget frees up, if the portal told us. */
  operatingResetAt?: number | undefined
  now: number
  random?: () => number
}

/** The longest the client waits for an operating-limit reset: the portal's window is 10 minutes. */
const MAX_OPERATING_WAIT_MS = 600_000

/** True when the portal refused the call for its rate limit (503 QUERY_LIMIT_EXCEEDED). */
export function isRateLimited(error: B24Error): boolean {
  return error.code === NOT_EXECUTED.rate
}

/** Milliseconds to wait before the next try, or undefined when the error is final. */
export function retryDelay(error: B24Error, ctx: RetryContext): number | undefined {
  if (ctx.attempt >= ctx.retry.attempts) return undefined
  if (isRateLimited(error)) return backoff(ctx)
  if (error.code === NOT_EXECUTED.operating || error.httpStatus === 429) {
    const resetAt = ctx.operatingResetAt
    if (resetAt !== undefined && resetAt > ctx.now) return Math.min(resetAt - ctx.now + 1_000, MAX_OPERATING_WAIT_MS)
    return backoff(ctx)
  }
  if (!ctx.idempotent || !isTransient(error)) return undefined
  return backoff(ctx)
}

function isTransient(error: B24Error): boolean {
  if (error.code === CLIENT_CODES.timeout || error.code === CLIENT_CODES.network) return true
  return error.httpStatus >= 500 && !FINAL_5XX.has(error.code)
}

// Exponential with "equal jitter": half fixed, half random, so concurrent callers spread out.
function backoff(ctx: RetryContext): number {
  const { baseDelayMs, maxDelayMs } = ctx.retry
  const ceiling = backoffDelay(ctx.attempt, baseDelayMs, maxDelayMs)
  const random = ctx.random ?? Math.random
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
