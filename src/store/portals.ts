// The portals the app is installed on, with their tokens sealed at rest; statements are prepared once.
import type { PortalCredentials, RefreshedTokens, TokenKeeper } from '../b24/types.js'
import type { Db } from './db.js'
import { ReadMemo } from './read-scope.js'
import type { Sealer } from './sealed.js'
import { placeOf, type SealedColumn } from './token-sealing.js'

export const PORTAL_STATUSES = ['active', 'needs_reauth', 'uninstalled'] as const
export type PortalStatus = (typeof PORTAL_STATUSES)[number]

/** One installed portal as the store keeps it. */
export interface Portal extends PortalCredentials {
  applicationToken: string
  adminUserId: number | null
  appStatus: string | null
  licenseFamily: string | null
  language: string | null
  status: PortalStatus
  statusReason: string | null
  installedAt: string
  updatedAt: string
}

/** A portal without its tokens: what deciding about its records needs, read without opening a sealed token. */
export type PortalAbout = Omit<Portal, 'accessToken' | 'refreshToken' | 'applicationToken'>

/** What an install or update writes. */
export type PortalInstall = Omit<Portal, 'status' | 'statusReason' | 'installedAt' | 'updatedAt'>

/** A portals row as both stores keep it (tokens sealed). */
export interface PortalRow {
  member_id: string
  domain: string
  client_endpoint: string
  server_endpoint: string
  access_token: string
  refresh_token: string
  expires_at: number
  application_token: string
  scope: string
  admin_user_id: number | null
  app_status: string | null
  license_family: string | null
  language: string | null
  status: PortalStatus
  status_reason: string | null
  installed_at: string
  updated_at: string
}

function rowToPortal(row: PortalRow, open: (column: SealedColumn, value: string) => string): Portal {
  return {
    memberId: row.member_id,
    domain: row.domain,
    clientEndpoint: row.client_endpoint,
    serverEndpoint: row.server_endpoint,
    accessToken: open('access_token', row.access_token),
    refreshToken: open('refresh_token', row.refresh_token),
    expiresAt: row.expires_at,
    applicationToken: open('application_token', row.application_token),
    scope: row.scope,
    adminUserId: row.admin_user_id,
    appStatus: row.app_status,
    licenseFamily: row.license_family,
    language: row.language,
    status: row.status,
    statusReason: row.status_reason,
    installedAt: row.installed_at,
    updatedAt: row.updated_at,
  }
}

/**
 * Reads and writes portals; also the client's TokenKeeper. The access, refresh and application tokens are sealed
 * (AES-256-GCM, store/sealed.ts) before they are written and opened when read: the file never holds them in clear.
 */
export class PortalRepo implements TokenKeeper {
  readonly #get
  readonly #about
  // Every record decided asks about its portal: asked once per shared read.
  readonly #abouts
  readonly #all
  readonly #upsert
  readonly #saveTokens
  readonly #setStatus
  readonly #revoke
  readonly #delete
  readonly #takeLease
  readonly #endLease

  constructor(db: Db, private readonly now: () => Date, private readonly sealer: Sealer) {
    this.#get = db.prepare<[string], PortalRow>('SELECT * FROM portals WHERE member_id = ?')
    this.#about = db.prepare<[string], PortalRow>(`SELECT ${ABOUT_COLUMNS} FROM portals WHERE member_id = ?`)
    this.#abouts = new ReadMemo<PortalAbout | undefined>(db)
    this.#all = db.prepare<[], PortalRow>('SELECT * FROM portals ORDER BY domain')
    this.#upsert = db.prepare(`
      INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, access_token, refresh_token,
        expires_at, application_token, scope, admin_user_id, app_status, license_family, language,
        status, status_reason, installed_at, updated_at)
      VALUES (@memberId, @domain, @clientEndpoint, @serverEndpoint, @accessToken, @refreshToken,
        @expiresAt, @applicationToken, @scope, @adminUserId, @appStatus, @licenseFamily, @language,
        'active', NULL, @now, @now)
      ON CONFLICT (member_id) DO UPDATE SET domain = excluded.domain, client_endpoint = excluded.client_endpoint,
        server_endpoint = excluded.server_endpoint, access_token = excluded.access_token,
        refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
        application_token = excluded.application_token, scope = excluded.scope,
        admin_user_id = excluded.admin_user_id, app_status = excluded.app_status,
        license_family = excluded.license_family, language = excluded.language,
        status = 'active', status_reason = NULL, updated_at = excluded.updated_at`)
    this.#saveTokens = db.prepare(`
      UPDATE portals SET access_token = @accessToken, refresh_token = @refreshToken, expires_at = @expiresAt,
        client_endpoint = @clientEndpoint, server_endpoint = @serverEndpoint, scope = @scope, updated_at = @now,
        refresh_lease_until = NULL
      WHERE member_id = @memberId AND status != 'uninstalled'`)
    this.#setStatus = db.prepare(
      'UPDATE portals SET status = @status, status_reason = @reason, updated_at = @now WHERE member_id = @memberId',
    )
    this.#revoke = db.prepare(`
      UPDATE portals SET access_token = '', refresh_token = '', expires_at = 0, status = 'uninstalled',
        status_reason = @reason, updated_at = @now WHERE member_id = @memberId`)
    this.#delete = db.prepare('DELETE FROM portals WHERE member_id = ?')
    this.#takeLease = db.prepare(`
      UPDATE portals SET refresh_lease_until = @until
      WHERE member_id = @memberId AND (refresh_lease_until IS NULL OR refresh_lease_until <= @now)`)
    this.#endLease = db.prepare('UPDATE portals SET refresh_lease_until = NULL WHERE member_id = ?')
  }

  /** The portal with this member_id, or undefined. */
  get(memberId: string): Portal | undefined {
    const row = this.#get.get(memberId)
    return row ? this.#toPortal(row) : undefined
  }

  /** The portal with this member_id without its tokens (none is opened), or undefined. */
  about(memberId: string): PortalAbout | undefined {
    return this.#abouts.get(memberId, () => {
      const row = this.#about.get(memberId)
      return row ? aboutPortalRow(row) : undefined
    })
  }

  /** Every portal, by domain. */
  all(): Portal[] {
    return this.#all.all().map((row) => this.#toPortal(row))
  }

  /** Creates or replaces a portal's install data and marks it active. */
  install(portal: PortalInstall): void {
    const seal = (column: SealedColumn, value: string) => this.#seal(portal.memberId, column, value)
    this.#upsert.run({
      ...portal,
      accessToken: seal('access_token', portal.accessToken),
      refreshToken: seal('refresh_token', portal.refreshToken),
      applicationToken: seal('application_token', portal.applicationToken),
      now: this.now().toISOString(),
    })
  }

  saveTokens(memberId: string, tokens: RefreshedTokens): void {
    this.#saveTokens.run({
      memberId,
      ...tokens,
      accessToken: this.#seal(memberId, 'access_token', tokens.accessToken),
      refreshToken: this.#seal(memberId, 'refresh_token', tokens.refreshToken),
      now: this.now().toISOString(),
    })
  }

  takeRefreshLease(memberId: string, until: Date): boolean {
    return this.#takeLease.run({ memberId, until: until.toISOString(), now: this.now().toISOString() }).changes === 1
  }

  endRefreshLease(memberId: string): void {
    this.#endLease.run(memberId)
  }

  storedTokens(memberId: string): RefreshedTokens | undefined {
    return storedTokensOf(this.get(memberId))
  }

  markNeedsReauth(memberId: string, reason: string): void {
    this.#setStatus.run({ memberId, status: 'needs_reauth', reason, now: this.now().toISOString() })
  }

  /** Forgets the tokens and marks the portal uninstalled; its data stays. */
  revoke(memberId: string, reason: string): void {
    this.#revoke.run({ memberId, reason, now: this.now().toISOString() })
  }

  /** Removes the portal's row. */
  delete(memberId: string): void {
    this.#delete.run(memberId)
  }

  #seal(memberId: string, column: SealedColumn, clear: string): string {
    return sealToken(this.sealer, memberId, column, clear)
  }

  #toPortal(row: PortalRow): Portal {
    return openPortalRow(this.sealer, row)
  }
}

/** The tokens a portal holds now; undefined for a portal no longer installed. */
export function storedTokensOf(portal: Portal | undefined): RefreshedTokens | undefined {
  if (!portal || portal.status === 'uninstalled') return undefined
  const { accessToken, refreshToken, expiresAt, clientEndpoint, serverEndpoint, scope } = portal
  return { accessToken, refreshToken, expiresAt, clientEndpoint, serverEndpoint, scope }
}

/** A token as stored: sealed for its place; '' (no token: awaited, or forgotten) stays '', which tells nothing. */
export function sealToken(sealer: Sealer, memberId: string, column: SealedColumn, clear: string): string {
  return clear === '' ? '' : sealer.seal(clear, placeOf(column, memberId))
}

/** A portals row as the app sees it, its tokens opened. */
/** The portals columns but the tokens' (read as ''): what `about` reads, in either store. */
export const ABOUT_COLUMNS = `member_id, domain, client_endpoint, server_endpoint, '' AS access_token, '' AS refresh_token, expires_at,
  '' AS application_token, scope, admin_user_id, app_status, license_family, language, status, status_reason, installed_at, updated_at`

/** A portals row without its tokens (none is opened). */
export function aboutPortalRow(row: PortalRow): PortalAbout {
  const { accessToken: _access, refreshToken: _refresh, applicationToken: _application, ...about } = rowToPortal(row, () => '')
  return about
}

export function openPortalRow(sealer: Sealer, row: PortalRow): Portal {
  return rowToPortal(row, (column, value) => (value === '' ? '' : sealer.open(value, placeOf(column, row.member_id))))
}
