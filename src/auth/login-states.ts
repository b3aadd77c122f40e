// The `state` of the OAuth login outside the portal: signed by the app, bound to one portal and one browser, short-lived, single use.
import { randomBytes } from 'node:crypto'
import type { StorePort } from '../store/port.js'
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

/** Issues and spends login states; a spent or expired one is refused, on whichever instance it comes back to. */
export class LoginStates {
  readonly #tokens: SignedTokens

  /** `store` keeps the spent states (every instance over it refuses a state spent on another). */
  constructor(secret: string, private readonly store: Pick<StorePort, 'loginStates'>, private readonly now: () => Date) {
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
  async spend(state: string | undefined, browserNonce: string | undefined): Promise<LoginState | undefined> {
    const parsed = this.#tokens.open(state)
    if (!parsed || typeof parsed.memberId !== 'string' || typeof parsed.nonce !== 'string' || typeof parsed.expiresAt !== 'number') return undefined
    if (parsed.expiresAt <= this.now().getTime()) return undefined
    if (!(await this.store.loginStates.spend(parsed.nonce, new Date(parsed.expiresAt)))) return undefined
    if (browserNonce === undefined || !sameSecret(browserNonce, parsed.nonce)) return undefined
    return { memberId: parsed.memberId, nonce: parsed.nonce, expiresAt: parsed.expiresAt }
  }
}
