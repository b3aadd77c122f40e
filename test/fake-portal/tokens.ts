// Access and refresh tokens: issue, check, rotate, expire, revoke (settings/oauth/auto-renewal.md).
import { randomToken } from './util.js'

/** A freshly issued pair with its lifetime. */
export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
  /** Unix seconds when the access token expires. */
  expires: number
}

/** Outcome of checking an access token on a REST call. */
export type AccessCheck =
  | { ok: true; userId: number }
  | { ok: false; status: number; error: string; description: string }

/** An event's access token and when it expires (unix seconds). */
export interface EventToken {
  accessToken: string
  expires: number
}

const EVENT_TOKEN_REUSE_MS = 60_000

interface AccessEntry { userId: number; expiresAt: number; generation: number }
interface RefreshEntry { userId: number; used: boolean; generation: number }

const MAX_TOKENS = 20_000

/** Every token the portal has issued; bounded, oldest forgotten first. */
export class TokenRegistry {
  private readonly access = new Map<string, AccessEntry>()
  private readonly refresh = new Map<string, RefreshEntry>()
  private readonly eventTokens = new Map<number, EventToken & { issuedAt: number }>()
  /** Bumped on uninstall: tokens of an earlier generation belong to a removed app. */
  private generation = 0

  constructor(private readonly ttlSeconds: number, private readonly now: () => number = Date.now) {}

  /** Issues an access/refresh pair for a user (install, frame POST, refresh). */
  issue(userId: number): TokenPair {
    const accessToken = this.issueAccess(userId)
    const refreshToken = randomToken()
    this.refresh.set(refreshToken, { userId, used: false, generation: this.generation })
    trim(this.refresh)
    return { accessToken, refreshToken, expiresIn: this.ttlSeconds, expires: Math.floor(this.now() / 1000) + this.ttlSeconds }
  }

  /**
   * An access token for the `auth` block of an event. Real portals send a fresh one (`expires` = ts + 3600);
   * the fake reuses a user's for up to a minute, so a flood of events does not crowd out the tokens apps keep.
   */
  eventToken(userId: number): EventToken {
    const cached = this.eventTokens.get(userId)
    if (cached !== undefined && this.now() - cached.issuedAt < EVENT_TOKEN_REUSE_MS && this.check(cached.accessToken).ok) return cached
    const issuedAt = this.now()
    const token = { accessToken: this.issueAccess(userId), expires: Math.floor(issuedAt / 1000) + this.ttlSeconds, issuedAt }
    this.eventTokens.set(userId, token)
    return token
  }

  /** Checks a REST call's token: NO_AUTH_FOUND, invalid_token (app removed) or expired_token. */
  check(token: string): AccessCheck {
    const entry = this.access.get(token)
    if (entry === undefined) return { ok: false, status: 401, error: 'NO_AUTH_FOUND', description: 'Wrong authorization data' }
    if (entry.generation !== this.generation) {
      return { ok: false, status: 401, error: 'invalid_token', description: 'Unable to get application by token' }
    }
    if (entry.expiresAt <= this.now()) {
      return { ok: false, status: 401, error: 'expired_token', description: 'The access token provided has expired' }
    }
    return { ok: true, userId: entry.userId }
  }

  /** Rotates a refresh token: the old one is spent, a new pair comes back; null when refused. */
  rotate(refreshToken: string): { userId: number; pair: TokenPair } | null {
    const entry = this.refresh.get(refreshToken)
    if (entry === undefined || entry.used || entry.generation !== this.generation) return null
    entry.used = true
    return { userId: entry.userId, pair: this.issue(entry.userId) }
  }

  /** Makes every access token issued so far answer expired_token. */
  expireAll(): void {
    for (const entry of this.access.values()) entry.expiresAt = 0
  }

  /** Makes every refresh token issued so far answer invalid_grant. */
  revokeRefresh(): void {
    for (const entry of this.refresh.values()) entry.used = true
  }

  /** Every access and refresh token still remembered, for tests that look for them where they must not be. */
  issued(): string[] {
    return [...this.access.keys(), ...this.refresh.keys()]
  }

  /** The app was removed: every token issued so far stops working. */
  revokeAll(): void {
    this.generation += 1
    this.eventTokens.clear()
  }

  private issueAccess(userId: number): string {
    const token = randomToken()
    this.access.set(token, { userId, expiresAt: this.now() + this.ttlSeconds * 1000, generation: this.generation })
    trim(this.access)
    return token
  }
}

function trim<V>(map: Map<string, V>): void {
  if (map.size <= MAX_TOKENS) return
  let excess = map.size - Math.floor(MAX_TOKENS * 0.9)
  for (const key of map.keys()) {
    if (excess-- <= 0) break
    map.delete(key)
  }
}
