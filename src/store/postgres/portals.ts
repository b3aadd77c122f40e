// The portals on PostgreSQL, their tokens sealed at rest as on SQLite (store/sealed.ts, the same places and key).
import type { RefreshedTokens } from '../../b24/types.js'
import type { Async } from '../port.js'
import type { Sealer } from '../sealed.js'
import { ABOUT_COLUMNS, aboutPortalRow, openPortalRow, sealToken, storedTokensOf, type Portal, type PortalAbout, type PortalInstall, type PortalRepo, type PortalRow } from '../portals.js'
import type { Sql } from './sql.js'

/** Reads and writes portals. */
export class PgPortalRepo implements Async<PortalRepo> {
  constructor(private readonly sql: Sql, private readonly now: () => Date, private readonly sealer: Sealer) {}

  async get(memberId: string): Promise<Portal | undefined> {
    const row = await this.sql.row<PortalRow>('SELECT * FROM portals WHERE member_id = $1', [memberId])
    return row ? openPortalRow(this.sealer, row) : undefined
  }

  async about(memberId: string): Promise<PortalAbout | undefined> {
    const row = await this.sql.row<PortalRow>(`SELECT ${ABOUT_COLUMNS} FROM portals WHERE member_id = $1`, [memberId])
    return row ? aboutPortalRow(row) : undefined
  }

  async all(): Promise<Portal[]> {
    const rows = await this.sql.rows<PortalRow>('SELECT * FROM portals ORDER BY domain')
    return rows.map((row) => openPortalRow(this.sealer, row))
  }

  async install(portal: PortalInstall): Promise<void> {
    const seal = (column: 'access_token' | 'refresh_token' | 'application_token', value: string) => sealToken(this.sealer, portal.memberId, column, value)
    await this.sql.run(`
      INSERT INTO portals (member_id, domain, client_endpoint, server_endpoint, access_token, refresh_token, expires_at,
        application_token, scope, admin_user_id, app_status, license_family, language, status, status_reason, installed_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'active', NULL, $14, $14)
      ON CONFLICT (member_id) DO UPDATE SET domain = excluded.domain, client_endpoint = excluded.client_endpoint,
        server_endpoint = excluded.server_endpoint, access_token = excluded.access_token, refresh_token = excluded.refresh_token,
        expires_at = excluded.expires_at, application_token = excluded.application_token, scope = excluded.scope,
        admin_user_id = excluded.admin_user_id, app_status = excluded.app_status, license_family = excluded.license_family,
        language = excluded.language, status = 'active', status_reason = NULL, updated_at = excluded.updated_at`, [
      portal.memberId, portal.domain, portal.clientEndpoint, portal.serverEndpoint, seal('access_token', portal.accessToken),
      seal('refresh_token', portal.refreshToken), portal.expiresAt, seal('application_token', portal.applicationToken), portal.scope,
      portal.adminUserId, portal.appStatus, portal.licenseFamily, portal.language, this.now().toISOString(),
    ])
  }

  async saveTokens(memberId: string, tokens: RefreshedTokens): Promise<void> {
    await this.sql.run(`
      UPDATE portals SET access_token = $2, refresh_token = $3, expires_at = $4, client_endpoint = $5, server_endpoint = $6,
        scope = $7, updated_at = $8, refresh_lease_until = NULL WHERE member_id = $1 AND status != 'uninstalled'`, [
      memberId, sealToken(this.sealer, memberId, 'access_token', tokens.accessToken), sealToken(this.sealer, memberId, 'refresh_token', tokens.refreshToken),
      tokens.expiresAt, tokens.clientEndpoint, tokens.serverEndpoint, tokens.scope, this.now().toISOString(),
    ])
  }

  // Two instances asking at once: the second UPDATE waits for the first's commit, then finds the lease taken.
  async takeRefreshLease(memberId: string, until: Date): Promise<boolean> {
    return (await this.sql.run(`
      UPDATE portals SET refresh_lease_until = $2 WHERE member_id = $1 AND (refresh_lease_until IS NULL OR refresh_lease_until <= $3)`,
    [memberId, until.toISOString(), this.now().toISOString()])) === 1
  }

  async endRefreshLease(memberId: string): Promise<void> {
    await this.sql.run('UPDATE portals SET refresh_lease_until = NULL WHERE member_id = $1', [memberId])
  }

  async storedTokens(memberId: string): Promise<RefreshedTokens | undefined> {
    return storedTokensOf(await this.get(memberId))
  }

  async markNeedsReauth(memberId: string, reason: string): Promise<void> {
    await this.sql.run("UPDATE portals SET status = 'needs_reauth', status_reason = $2, updated_at = $3 WHERE member_id = $1", [memberId, reason, this.now().toISOString()])
  }

  async revoke(memberId: string, reason: string): Promise<void> {
    await this.sql.run(`
      UPDATE portals SET access_token = '', refresh_token = '', expires_at = 0, status = 'uninstalled', status_reason = $2, updated_at = $3
      WHERE member_id = $1`, [memberId, reason, this.now().toISOString()])
  }

  async delete(memberId: string): Promise<void> {
    await this.sql.run('DELETE FROM portals WHERE member_id = $1', [memberId])
  }
}
