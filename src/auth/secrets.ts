// Secrets: comparison that takes the same time however early the strings differ, and the tokens the app signs.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { isRecord } from '../shared/records.js'
import type { Portal } from '../store/portals.js'

/** True when both strings are equal; hashing first keeps the time independent of length and content. */
export function sameSecret(given: string, expected: string): boolean {
  if (expected === '') return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/**
 * True when `given` is the stored portal's application_token, compared in constant time: the one check events, robots,
 * pages and uninstall make. False while the portal has none (ONAPPINSTALL not yet received) and once it is uninstalled.
 */
export function applicationTokenMatches(portal: Pick<Portal, 'applicationToken' | 'status'>, given: string): boolean {
  return portal.status !== 'uninstalled' && sameSecret(given, portal.applicationToken)
}

/** Tokens `body.signature` (JSON and its HMAC, both base64url), with a key derived from `secret` for one `purpose`. */
export class SignedTokens {
  readonly #key: Buffer

  constructor(secret: string, purpose: string) {
    this.#key = createHmac('sha256', secret).update(purpose).digest()
  }

  /** `value` as JSON, signed. */
  seal(value: object): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url')
    return `${body}.${this.#sign(body)}`
  }

  /** The JSON object a token holds, or undefined when this key did not sign it (forged, altered, malformed). */
  open(token: string | undefined): Record<string, unknown> | undefined {
    const [body, signature, extra] = (token ?? '').split('.')
    if (!body || !signature || extra !== undefined || !sameSecret(signature, this.#sign(body))) return undefined
    try {
      const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
      return isRecord(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url')
  }
}
