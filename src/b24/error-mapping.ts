// Turns whatever the SDK throws (AjaxError, wrapped refresh errors, axios failures) into a B24Error.
import { B24Error } from './b24-error.js'
import { redirectOfAxios, redirectRefused } from './redirects.js'
import { errorMessage } from '../shared/errors.js'
import { asRecord, isRecord } from '../shared/records.js'

/** Client-side codes: no answer arrived, so httpStatus is 0. */
export const CLIENT_CODES = { timeout: 'REQUEST_TIMEOUT', network: 'NETWORK_ERROR' } as const

const TIMEOUT_CODES = new Set(['REQUEST_TIMEOUT', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED'])

interface AxiosLike {
  isAxiosError: true
  code?: string
  message: string
  response?: { status: number; data: unknown }
}

/** The portal's error from a response body, or undefined when the body carries none (`"error": ""` counts as one). */
export function errorFromBody(body: unknown, httpStatus: number, method: string): B24Error | undefined {
  if (!isRecord(body) || !('error' in body)) return undefined
  const { error, error_description: text } = body
  if (typeof error === 'string') {
    return new B24Error({ method, code: error, description: typeof text === 'string' ? text : '', httpStatus })
  }
  // REST 3.0 shape: {"error":{"code","message"}} (docs: api-reference/rest-v3.md)
  if (isRecord(error) && 'code' in error) {
    return new B24Error({ method, code: String(error.code), description: typeof error.message === 'string' ? error.message : '', httpStatus })
  }
  return undefined
}

/** Maps any failure of one SDK call to a B24Error carrying the portal's code, text and HTTP status. */
export function toB24Error(error: unknown, method: string): B24Error {
  if (error instanceof B24Error) return error.withMethod(method)
  // The SDK wraps a failed refresh as AjaxError JSSDK_UNKNOWN_ERROR and keeps ours as originalError.
  const original = originalOf(error)
  if (original instanceof B24Error) return original.withMethod(method)
  const axios = isAxiosError(original) ? original : isAxiosError(error) ? error : undefined
  if (axios) return fromAxios(axios, method)
  const code = codeOf(error)
  if (code !== undefined && TIMEOUT_CODES.has(code)) return timeout(method)
  // No axios error in reach here, so `cause` cannot drag a request config (and its token) into a log.
  return new B24Error({
    method,
    code: code ?? 'B24_CLIENT_ERROR',
    description: errorMessage(error),
    httpStatus: statusOf(error),
    cause: error,
  })
}

// Never keeps the axios error as `cause`: its config holds the request body with the access token.
function fromAxios(error: AxiosLike, method: string): B24Error {
  // Before the body: a 3xx saying QUERY_LIMIT_EXCEEDED or expired_token must not be retried or refreshed on.
  const redirect = redirectOfAxios(error)
  if (redirect) return redirectRefused(method, redirect)
  const response = error.response
  if (response) {
    const fromBody = errorFromBody(response.data, response.status, method)
    if (fromBody) return fromBody
    // Not a Bitrix24 body (an HTML 502 from a proxy, an empty 503): the status is all there is.
    return new B24Error({ method, code: `HTTP_${response.status}`, description: error.message, httpStatus: response.status })
  }
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) return timeout(method)
  return new B24Error({ method, code: CLIENT_CODES.network, description: error.code ?? error.message, httpStatus: 0 })
}

/** The `time.operating_reset_at` (unix ms) an error answer carried, if any. */
export function operatingResetAtOf(error: unknown): number | undefined {
  const original = originalOf(error)
  const axios = isAxiosError(original) ? original : isAxiosError(error) ? error : undefined
  const time = (axios?.response?.data as { time?: { operating_reset_at?: unknown } } | undefined)?.time
  const seconds = Number(time?.operating_reset_at)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
}

function timeout(method: string): B24Error {
  return new B24Error({ method, code: CLIENT_CODES.timeout, description: 'no answer before the deadline', httpStatus: 0 })
}

function originalOf(error: unknown): unknown {
  return asRecord(error).originalError
}

function isAxiosError(value: unknown): value is AxiosLike {
  return asRecord(value).isAxiosError === true
}

function codeOf(error: unknown): string | undefined {
  const code = asRecord(error).code
  return typeof code === 'string' ? code : undefined
}

function statusOf(error: unknown): number {
  const status = asRecord(error).status
  return typeof status === 'number' ? status : 0
}
