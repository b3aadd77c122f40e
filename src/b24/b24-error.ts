// The one error type a portal call throws: the portal's own code and text, the HTTP status, the method.
import { AppError } from '../shared/app-error.js'
import { isRecord } from '../shared/records.js'

/** What a B24Error is built from; `code` is the portal's `error` verbatim, '' included. */
export interface B24ErrorInit {
  method: string
  code: string
  description: string
  /** HTTP status of the answer; 0 when none came (timeout, network). */
  httpStatus: number
  cause?: unknown
}

// Legacy CRM methods answer a missing record with `"error": ""` and "Not found"; crm.item.* and
// disk say NOT_FOUND / ERROR_NOT_FOUND (docs: settings/how-to-call-rest-api/error-codes.md).
const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'ERROR_NOT_FOUND', 'ERROR_ENTITY_NOT_FOUND'])

/** A failed Bitrix24 call; `code` and `description` are exactly what the portal (or token server) said. */
export class B24Error extends AppError {
  readonly method: string
  readonly description: string
  readonly httpStatus: number

  constructor(init: B24ErrorInit) {
    const notFound = isNotFoundAnswer(init.code, init.description)
    // A portal failure is a bad gateway to whoever asked us; a missing record is a plain 404.
    super(init.code, describe(init), notFound ? 404 : 502, { cause: init.cause })
    this.method = init.method
    this.description = init.description
    this.httpStatus = init.httpStatus
  }

  /** The same error attributed to another method (a refresh failure surfaces on the call that needed it). */
  withMethod(method: string): B24Error {
    if (method === this.method) return this
    return new B24Error({ method, code: this.code, description: this.description, httpStatus: this.httpStatus, cause: this.cause })
  }
}

/** True when the portal said the record does not exist; callers treat that as a deletion. Accepts a B24Error or a batch error entry. */
export function isNotFound(error: unknown): boolean {
  if (error instanceof B24Error) return isNotFoundAnswer(error.code, error.description)
  if (isRecord(error) && 'error' in error && 'description' in error) {
    const { error: code, description } = error
    return typeof code === 'string' && typeof description === 'string' && isNotFoundAnswer(code, description)
  }
  return false
}

function isNotFoundAnswer(code: string, description: string): boolean {
  if (NOT_FOUND_CODES.has(code)) return true
  return code === '' && /not found/i.test(description)
}

function describe(init: B24ErrorInit): string {
  const code = init.code === '' ? '(empty error code)' : init.code
  const status = init.httpStatus === 0 ? 'no answer' : `HTTP ${init.httpStatus}`
  return `${init.method}: ${code} (${status})${init.description ? `: ${init.description}` : ''}`
}
