// What a failed request tells its caller, decided once for the JSON error handler and every page: a 4xx says what was
// wrong with the input; a 5xx says only that the app failed, with the request id the log lines carry (`reqId`).
import type { FastifyRequest } from 'fastify'
import { B24Error } from '../src/b24/index.js'
import { AppError } from '../src/shared/app-error.js'
import { errorMessage } from '../src/shared/errors.js'
import type { ShownFailure } from '../placements/failure.js'

/** A failed request as its caller may see it. */
export interface Failure extends ShownFailure {
  status: number
}

/**
 * Logs the failure, in full at error level when the app failed (status 500 or above: message, stack, a portal
 * error's method and description) and its code at warn level otherwise, and returns what may be shown: for a 5xx
 * no message, only a code of the app's own (`PORTAL_ERROR` for any portal failure, `INTERNAL_ERROR` for the
 * unexpected) and the request id.
 */
export function failureOf(error: unknown, request: FastifyRequest): Failure {
  const status = statusOf(error)
  const requestId = String(request.id)
  const message = errorMessage(error)
  if (status >= 500) {
    request.log.error({ err: error }, message)
    return { status, code: appCode(error), reason: undefined, requestId }
  }
  const code = error instanceof AppError ? error.code : codeOf(error) ?? 'BAD_REQUEST'
  request.log.warn({ code }, message)
  return { status, code, reason: message, requestId }
}

/** The JSON answer for a failure; a 5xx carries the request id and no message of its own. */
export function failureJson(failure: Failure): { status: 'error'; error: string; message: string; requestId?: string } {
  if (failure.reason !== undefined) return { status: 'error', error: failure.code, message: failure.reason }
  return { status: 'error', error: failure.code, message: 'Internal error', requestId: failure.requestId }
}

function statusOf(error: unknown): number {
  if (error instanceof AppError) return error.statusCode
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500
}

// The portal's own code (QUERY_LIMIT_EXCEEDED, ACCESS_DENIED …) and a library's stay in the log.
function appCode(error: unknown): string {
  if (error instanceof B24Error) return 'PORTAL_ERROR'
  if (error instanceof AppError) return error.code
  return 'INTERNAL_ERROR'
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  return typeof code === 'string' ? code : undefined
}
