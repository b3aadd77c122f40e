// REST envelopes as Bitrix24 writes them: the time block, error bodies and PHP-style JSON.
import { formatIso } from './clock.js'

/** A method's failure: the HTTP status, the `error` code and `error_description` the portal answers with. */
export class RestError extends Error {
  readonly status: number
  readonly code: string
  readonly description: string
  readonly extra: Record<string, unknown>

  constructor(status: number, code: string, description: string, extra: Record<string, unknown> = {}) {
    super(`${code}: ${description}`)
    this.status = status
    this.code = code
    this.description = description
    this.extra = extra
  }

  /** The JSON object of the error envelope. */
  body(): Record<string, unknown> {
    return { error: this.code, error_description: this.description, ...this.extra }
  }
}

/** The legacy CRM error: empty `error`, text in `error_description`, HTTP 400 (crm-lead-get.md). */
export function crmError(description: string): RestError {
  return new RestError(400, '', description)
}

/** The `time` object of every answer (api-reference/data-types.md#time). */
export interface TimeBlock {
  start: number
  finish: number
  duration: number
  processing: number
  date_start: string
  date_finish: string
  operating_reset_at?: number
  operating?: number
}

/** Builds a time block from two instants in ms; `operating` is omitted for batch sub-calls (batch.md example). */
export function timeBlock(startMs: number, finishMs: number, offset: string, operating?: number): TimeBlock {
  const start = startMs / 1000
  const finish = Math.max(finishMs, startMs) / 1000
  const block: TimeBlock = {
    start,
    finish,
    duration: finish - start,
    processing: finish - start,
    date_start: formatIso(startMs, offset),
    date_finish: formatIso(finishMs, offset),
  }
  if (operating !== undefined) {
    block.operating_reset_at = Math.floor(start) + 600
    block.operating = operating
  }
  return block
}

const PHP_ESCAPES: Record<string, string> = {
  '\\"': '\\u0022',
  '/': '\\/',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  "'": '\\u0027',
}

/**
 * JSON as PHP's json_encode with JSON_HEX_* flags writes it: `\/`, `\u0022`, `\u003C`… (the docs'
 * payloads show "https:\/\/…" and "\u003Cbr\u003E"); any JSON parser reads it back unchanged.
 */
export function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\\\|\\"|[/<>&']/g, (match) => PHP_ESCAPES[match] ?? match)
}

/**
 * JSON as PHP's json_encode writes it with no flags: `/` as `\/` and every non-ASCII UTF-16 unit as
 * `\uxxxx` (lower-case hex, astral characters as surrogate pairs); `<>&'` stay as they are.
 */
export function jsonEncode(value: unknown): string {
  return JSON.stringify(value).replace(/[/\u0080-\uffff]/g, (c) => (c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
}

/** The body nginx sends when the PHP backend is down; used by the 'HTML' fault. */
export const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
