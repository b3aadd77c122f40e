// Page sessions: after a page's frame is verified with the portal, the page's own requests (re-check, excuse,
// settings, downloads) carry a short-lived token signed by the app, bound to the portal and the user. It travels in a
// header the page's script sets: third-party cookies do not survive inside a portal frame in every browser.
import { SignedTokens } from './secrets.js'

/** Who a page session is for. */
export interface PageSession {
  memberId: string
  userId: number
  isAdmin: boolean
  /** Epoch milliseconds after which the session is refused. */
  expiresAt: number
}

/** The header page requests carry their session in. */
export const SESSION_HEADER = 'x-rules-session'

/** A page session lives this long; the page asks for a new one by being opened again. */
export const SESSION_TTL_MS = 30 * 60_000

/** Signs and checks page sessions with a key of the app's own (derived from its client secret). */
export class PageSessions {
  readonly #tokens: SignedTokens

  constructor(secret: string, private readonly now: () => Date) {
    if (secret === '') throw new Error('page sessions need a secret (B24_CLIENT_SECRET)')
    this.#tokens = new SignedTokens(secret, 'rules-app page sessions v1')
  }

  /** A signed token for the user now looking at a page. */
  issue(memberId: string, userId: number, isAdmin: boolean): string {
    const session: PageSession = { memberId, userId, isAdmin, expiresAt: this.now().getTime() + SESSION_TTL_MS }
    return this.#tokens.seal(session)
  }

  /** The session a token stands for, or undefined when it is forged, altered or expired. */
  verify(token: string | undefined): PageSession | undefined {
    const session = this.#tokens.open(token)
    if (!session || typeof session.memberId !== 'string' || typeof session.userId !== 'number' || typeof session.expiresAt !== 'number') return undefined
    if (session.expiresAt <= this.now().getTime()) return undefined
    return { memberId: session.memberId, userId: session.userId, isAdmin: session.isAdmin === true, expiresAt: session.expiresAt }
  }
}
