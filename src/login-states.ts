// The `state` of the OAuth login outside the portal: signed by the app, bound to one portal and one browser, short-lived, single use.
import { createHmac, randomBytes } from 'node:crypto'
import { sameSecret } from './secrets.js'

/** A login state lives this long: the person has this long to log in on the portal. */
export const LOGIN_STATE_TTL_MS = 10 * 60_000

/** What a state stands for once checked. */
export interface LoginState {
  memberId: string
  /** Also set in the browser's login cookie: the callback must come back to the browser that started. */
  nonce: string
  expiresAt: number
}

/** Issues and spends login states; a spent or expired one is refused. */
export class LoginStates {
  readonly #key: Buffer
  /** nonce → expiresAt of the states already spent, forgotten once they would have expired anyway. */
  readonly #spent = new Map<string, number>()

  constructor(secret: string, private readonly now: () => Date) {
    if (secret === '') throw new Error('login states need a secret (B24_CLIENT_SECRET)')
    this.#key = createHmac('sha256', secret).update('rules-app login states v1').digest()
  }

  /** A new state for a login on `memberId`'s portal. */
  issue(memberId: string): { state: string; nonce: string } {
    const nonce = randomBytes(16).toString('base64url')
    const body = Buffer.from(JSON.stringify({ memberId, nonce, expiresAt: this.now().getTime() + LOGIN_STATE_TTL_MS })).toString('base64url')
    return { state: `${body}.${this.#sign(body)}`, nonce }
  }

  /**
   * Checks and spends a state: undefined when it is forged, altered, expired, already spent, or when `browserNonce`
   * (the login cookie) is not the one it was issued with. A state is spent by its first check, good or not.
   */
  spend(state: string | undefined, browserNonce: string | undefined): LoginState | undefined {
    const [body, signature, extra] = (state ?? '').split('.')
    if (!body || !signature || extra !== undefined || !sameSecret(signature, this.#sign(body))) return undefined
    let parsed: LoginState
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LoginState
    } catch {
      return undefined
    }
    if (typeof parsed.memberId !== 'string' || typeof parsed.nonce !== 'string' || typeof parsed.expiresAt !== 'number') return undefined
    const nowMs = this.now().getTime()
    for (const [nonce, until] of this.#spent) if (until <= nowMs) this.#spent.delete(nonce)
    if (parsed.expiresAt <= nowMs || this.#spent.has(parsed.nonce)) return undefined
    this.#spent.set(parsed.nonce, parsed.expiresAt)
    if (browserNonce === undefined || !sameSecret(browserNonce, parsed.nonce)) return undefined
    return parsed
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url')
  }
}
