// The two portals and the moment both store contracts start from.
import type { PortalInstall } from '../../src/store/portals.js'

export const A = 'a223c6b3710f85df22e9377d6c4f7553'
export const B = 'b5c1e0d2a7f94e3c8d6b1a0f2e4c6d8a'
export const START = Date.parse('2026-12-01T09:00:00.000Z')
export const MINUTE = 60_000
export const iso = (ms: number) => new Date(ms).toISOString()

/** A portal's install as both contracts make it. */
export const install = (memberId: string, domain: string): PortalInstall => ({
  memberId, domain, clientEndpoint: `https://${domain}/rest/`, serverEndpoint: 'https://oauth.bitrix.info/rest/',
  accessToken: `access-${domain}`, refreshToken: `refresh-${domain}`, expiresAt: 1_800_000_000, applicationToken: `app-${domain}`,
  scope: 'crm,task,user', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
})
