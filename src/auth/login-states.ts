// The `state` of the OAuth login outside the portal: signed by the app, bound to one portal and one browser, short-lived, single use.
import { randomBytes } from 'node:crypto'
import { sameSecret, SignedTokens } from './secrets.js'

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
  readonly #tokens: SignedTokens
  /** nonce → expiresAt of the states already spent, forgotten once they would have expired anyway. */
  readonly #spent = new Map<string, number>()

  constructor(secret: string, private readonly now: () => Date) {
    if (secret === '') throw new Error('login states need a secret (B24_CLIENT_SECRET)')
    this.#tokens = new SignedTokens(secret, 'rules-app login states v1')
  }

  /** A new state for a login on `memberId`'s portal. */
  issue(memberId: string): { state: string; nonce: string } {
    const nonce = randomBytes(16).toString('base64url')
    return { state: this.#tokens.seal({ memberId, nonce, expiresAt: this.now().getTime() + LOGIN_STATE_TTL_MS }), nonce }
  }

  /**
   * Checks and spends a state: undefined when it is forged, altered, expired, already spent, or when `browserNonce`
   * (the login cookie) is not the one it was issued with. A state is spent by its first check, good or not.
   */
  spend(state: string | undefined, browserNonce: string | undefined): LoginState | undefined {
    const parsed = this.#tokens.open(state)
    if (!parsed || typeof parsed.memberId !== 'string' || typeof parsed.nonce !== 'string' || typeof parsed.expiresAt !== 'number') return undefined
    const nowMs = this.now().getTime()
    for (const [nonce, until] of this.#spent) if (until <= nowMs) this.#spent.delete(nonce)
    if (parsed.expiresAt <= nowMs || this.#spent.has(parsed.nonce)) return undefined
    this.#spent.set(parsed.nonce, parsed.expiresAt)
    if (browserNonce === undefined || !sameSecret(browserNonce, parsed.nonce)) return undefined
    return { memberId: parsed.memberId, nonce: parsed.nonce, expiresAt: parsed.expiresAt }
  }
}
