// Installs, updates and uninstalls the app on a portal: confirm the tokens, store them, bind, journal.
import type { Logger } from 'pino'
import type { PortalClients } from '../b24/index.js'
import { withoutTrailingSlash } from '../b24/endpoints.js'
import { RATE_BUDGETS, type PortalCredentials, type RateBudget } from '../b24/types.js'
import { checkEndpoint, type Config } from '../config.js'
import { AppError, ForbiddenError, UnauthorizedError } from '../shared/app-error.js'
import type { Manifest } from './manifest.js'
import { bindOffline, type OfflineSetup } from './offline-setup.js'
import { bindPortal, type SetupOutcome } from './portal-setup.js'
import type { JournalLine, StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import type { PortalAuth } from '../auth/portal-auth.js'
import { applicationTokenMatches } from '../auth/secrets.js'
import { errorMessage } from '../shared/errors.js'
import { setUpRobots } from '../robots/register.js'

/** Tokens and identity a portal hands over at install or update, however they arrived. */
export interface InstallGrant {
  memberId: string
  domain: string
  clientEndpoint: string
  serverEndpoint: string | undefined
  accessToken: string
  refreshToken: string
  expiresIn: number
  /** Null when the install frame carries none, as real cloud portals send it: ONAPPINSTALL brings it then. */
  applicationToken: string | null
  scope: string
  appStatus: string | null
  language: string | null
}

/** How an install reached the app: the API-only POST, the install frame, or the ONAPPINSTALL event bound by the frame. */
export type InstallVia = 'api' | 'ui' | 'event'

/** What the app needs to install portals. */
export interface InstallerDeps {
  config: Readonly<Config>
  store: StorePort
  clients: PortalClients
  auth: PortalAuth
  manifest: Manifest
  logger: Logger
  now: () => Date
  /** Called once a portal is installed and bound (the app starts its first sweep there). */
  onInstalled?: (memberId: string) => void
}

/** Runs the app's lifecycle on portals; every step lands in the journal. */
export class Installer {
  constructor(private readonly deps: InstallerDeps) {}

  /**
   * Confirms the grant with the portal, stores it, binds events and placements. A known portal is asked at
   * its stored endpoint only, never at one named in the request, and keeps that endpoint.
   */
  async install(grant: InstallGrant, via: InstallVia): Promise<{ portal: Portal; setup: SetupOutcome }> {
    const { store } = this.deps
    const stored = await store.portals.get(grant.memberId)
    const confirmed = await this.confirmAdmin(grant, stored)
    const applicationToken = grant.applicationToken ?? this.keptToken(stored)
    const tokenReceived = stored !== undefined && stored.status !== 'uninstalled' && stored.applicationToken === '' && applicationToken !== ''
    await store.installPortal({
      ...confirmed.credentials,
      applicationToken,
      adminUserId: confirmed.userId,
      appStatus: grant.appStatus,
      licenseFamily: confirmed.licenseFamily,
      language: grant.language ?? confirmed.language,
    }, {
      kind: 'app.installed',
      detail: { via, domain: grant.domain, license: confirmed.licenseFamily, awaitingApplicationToken: applicationToken === '', tokenReceived },
    })
    // The install frame bound everything and started the first sweep moments ago: ONAPPINSTALL only brings the token.
    if (tokenReceived) {
      this.deps.clients.forget(grant.memberId)
      return { portal: await this.portal(grant.memberId), setup: { boundEvents: [], boundPlacements: [], unboundStale: 0 } }
    }
    const setup = await this.bind(grant.memberId)
    this.deps.onInstalled?.(grant.memberId)
    return { portal: await this.portal(grant.memberId), setup }
  }

  /** ONAPPUPDATE: everything is checked (stored endpoint, this app, an administrator) before the new application_token is written. */
  async update(grant: InstallGrant): Promise<SetupOutcome> {
    const stored = await this.deps.store.portals.get(grant.memberId)
    if (!stored || stored.status === 'uninstalled') throw new UnauthorizedError('Unknown portal', 'UNKNOWN_PORTAL')
    const confirmed = await this.confirmAdmin(grant, stored)
    const { store } = this.deps
    const applicationToken = grant.applicationToken ?? stored.applicationToken
    await store.installPortal({
      ...confirmed.credentials,
      applicationToken,
      adminUserId: stored.adminUserId,
      appStatus: grant.appStatus ?? stored.appStatus,
      licenseFamily: confirmed.licenseFamily ?? stored.licenseFamily,
      language: grant.language ?? stored.language,
    }, { kind: 'app.updated', detail: { tokenRotated: applicationToken !== stored.applicationToken } })
    return this.bind(grant.memberId)
  }

  /** ONAPPUNINSTALL: only with the stored application_token; forgets tokens, and with `clean` every row of the portal. */
  async uninstall(memberId: string, applicationToken: string, clean: boolean): Promise<void> {
    const { store, clients } = this.deps
    const stored = await store.portals.get(memberId)
    if (!stored || !applicationTokenMatches(stored, applicationToken)) {
      throw new UnauthorizedError('Unknown portal or wrong application_token', 'INVALID_APPLICATION_TOKEN')
    }
    await store.uninstallPortal(memberId, clean)
    clients.forget(memberId)
  }

  /** Re-reads the portal's bindings and binds what is missing, offline events included when configured. */
  async bind(memberId: string): Promise<SetupOutcome> {
    const { store, clients, manifest, config } = this.deps
    clients.forget(memberId)
    const setup = await bindPortal(await clients.get(memberId), manifest, config.publicUrl)
    await store.journal.append(memberId, 'app.bound', { ...setup })
    await this.bindOffline(memberId)
    await setUpRobots({ store, clients, logger: this.deps.logger, publicUrl: config.publicUrl }, memberId)
    return setup
  }

  // Offline events are extra reliability: a portal that refuses them keeps its online events.
  private async bindOffline(memberId: string): Promise<OfflineSetup | undefined> {
    const { store, clients, manifest, config, logger } = this.deps
    const previous = await store.offlineQueues.get(memberId)
    const wasActive = previous?.mode === 'active'
    if (config.offlineEvents === 'off' && !wasActive) return undefined
    let setup: OfflineSetup
    try {
      setup = await bindOffline(await clients.get(memberId), manifest, config.publicUrl, config.offlineEvents, wasActive ? previous.authConnector : undefined)
    } catch (error) {
      const message = errorMessage(error)
      logger.error({ memberId, error: message }, 'offline events could not be set up; online events go on')
      await store.journal.append(memberId, 'offline.failed', { error: message })
      return undefined
    }
    await store.setOfflineMode(memberId, setup.mode, setup.authConnector, offlineLine(setup, wasActive))
    if (setup.mode === 'unavailable') {
      logger.warn({ memberId }, "offline events are not available on the portal's plan (feature rest_offline_extended); online events only")
    }
    // The portal's client carries the source key of the app's own writes from now on.
    clients.forget(memberId)
    return setup
  }

  private async portal(memberId: string): Promise<Portal> {
    const portal = await this.deps.store.portals.get(memberId)
    if (!portal) throw new AppError('PORTAL_LOST', 'The portal vanished during install', 500)
    return portal
  }

  // The portal itself, at the endpoint the app trusts, must confirm the tokens as this app's and an administrator's.
  private async confirmAdmin(grant: InstallGrant, stored: Portal | undefined) {
    const credentials = this.credentialsOf(grant, stored)
    const known = stored !== undefined && stored.status !== 'uninstalled'
    const confirmed = await (known ? this.deps.auth.confirmKnown(credentials) : this.deps.auth.confirm(credentials))
    if (!confirmed.isAdmin) {
      throw new ForbiddenError('Only a portal administrator can install or update the app: this user is not one', 'NOT_ADMIN')
    }
    return confirmed
  }

  // A frame without APPLICATION_TOKEN keeps a live portal's token; otherwise '' waits for ONAPPINSTALL.
  private keptToken(stored: Portal | undefined): string {
    if (stored === undefined || stored.status === 'uninstalled') return ''
    return stored.applicationToken
  }

  private credentialsOf(grant: InstallGrant, stored: Portal | undefined): PortalCredentials {
    const { config, now } = this.deps
    const requested = withoutTrailingSlash(grant.clientEndpoint)
    // A known portal is asked at its stored endpoint only, and keeps it: a grant can never move it (a real
    // change of domain arrives with a token refresh). Tokens of another portal are then simply not confirmed.
    if (stored === undefined) this.refuseUnacceptable(requested)
    else if (!sameEndpoint(requested, stored.clientEndpoint)) {
      this.deps.logger.warn({ memberId: grant.memberId, requested: originOf(requested) }, 'the request named another endpoint than the stored one; the stored one is asked and kept')
    }
    if (grant.serverEndpoint !== undefined) this.refuseUnacceptable(grant.serverEndpoint)
    if (!config.clientId || !config.clientSecret) {
      throw new AppError('APP_NOT_CONFIGURED', 'The app has no B24_CLIENT_ID / B24_CLIENT_SECRET; set them and install again', 503)
    }
    return {
      memberId: grant.memberId,
      domain: grant.domain,
      clientEndpoint: stored?.clientEndpoint ?? requested,
      serverEndpoint: grant.serverEndpoint ?? stored?.serverEndpoint ?? defaultServerEndpoint(grant.domain),
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: Math.floor(now().getTime() / 1000) + grant.expiresIn,
      scope: grant.scope,
    }
  }

  // On the allow-list and over https (plain http only for loopback hosts).
  private refuseUnacceptable(url: string): void {
    const check = checkEndpoint(url, this.deps.config.allowedHosts)
    if (!check.ok) throw new ForbiddenError(check.reason, check.code)
  }
}

// The token server a cloud install frame does not name until ONAPPINSTALL does: Russian portals have their own.
function defaultServerEndpoint(domain: string): string {
  return /\.ru(:\d+)?$/i.test(domain) ? 'https://oauth.bitrix24.tech/rest/' : 'https://oauth.bitrix.info/rest/'
}

function sameEndpoint(a: string, b: string): boolean {
  return withoutTrailingSlash(a).toLowerCase() === withoutTrailingSlash(b).toLowerCase()
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'an invalid address'
  }
}

/** The documented rate budget for a portal's plan (Enterprise: LICENSE_FAMILY "ent"). */
export function budgetFor(licenseFamily: string | null): RateBudget {
  return licenseFamily === 'ent' ? RATE_BUDGETS.enterprise : RATE_BUDGETS.standard
}

// What the journal says of an offline set-up: unavailable, newly (or more) active, off; nothing when it stayed as it was.
function offlineLine(setup: OfflineSetup, wasActive: boolean): JournalLine | undefined {
  if (setup.mode === 'unavailable') return { kind: 'offline.unavailable', detail: { feature: 'rest_offline_extended', unbound: setup.unbound } }
  if (setup.mode === 'active' && (!wasActive || setup.boundOffline.length > 0 || setup.boundPush)) return { kind: 'offline.active', detail: { ...setup } }
  if (setup.mode === 'off') return { kind: 'offline.off', detail: { unbound: setup.unbound } }
  return undefined
}
