// Installs, updates and uninstalls the app on a portal: confirm the tokens, store them, bind, journal.
import type { Logger } from 'pino'
import { B24Error, PortalClient, type PortalClients } from './b24/index.js'
import { RATE_BUDGETS, type PortalCredentials, type RateBudget, type RefreshedTokens } from './b24/types.js'
import { isAllowedHost, type Config } from './config.js'
import { AppError, ForbiddenError, UnauthorizedError } from './errors.js'
import type { Manifest } from './manifest.js'
import { bindOffline, type OfflineSetup } from './offline-setup.js'
import { bindPortal, type SetupOutcome } from './portal-setup.js'
import type { Store } from './store/index.js'
import type { Portal } from './store/portals.js'
import { sameSecret } from './secrets.js'

/** Tokens and identity a portal hands over at install or update, however they arrived. */
export interface InstallGrant {
  memberId: string
  domain: string
  clientEndpoint: string
  serverEndpoint: string | undefined
  accessToken: string
  refreshToken: string
  expiresIn: number
  applicationToken: string
  scope: string
  appStatus: string | null
  language: string | null
}

/** What the app needs to install portals. */
export interface InstallerDeps {
  config: Readonly<Config>
  store: Store
  clients: PortalClients
  manifest: Manifest
  logger: Logger
  now: () => Date
  /** Called once a portal is installed and bound (the app starts its first sweep there). */
  onInstalled?: (memberId: string) => void
}

interface AppInfo { LICENSE_FAMILY?: string; LANGUAGE_ID?: string }
interface Profile { ID?: string | number; ADMIN?: boolean }

/** Runs the app's lifecycle on portals; every step lands in the journal. */
export class Installer {
  constructor(private readonly deps: InstallerDeps) {}

  /** Confirms the grant with the portal, stores it, binds events and placements. */
  async install(grant: InstallGrant, via: 'api' | 'ui'): Promise<{ portal: Portal; setup: SetupOutcome }> {
    const { store } = this.deps
    const credentials = this.credentialsOf(grant)
    const confirmed = await this.confirm(credentials)
    if (!confirmed.isAdmin) {
      throw new ForbiddenError('Only a portal administrator can install the app: the installing user is not one', 'NOT_ADMIN')
    }
    store.transaction(() => {
      store.portals.install({
        ...confirmed.credentials,
        applicationToken: grant.applicationToken,
        adminUserId: confirmed.userId,
        appStatus: grant.appStatus,
        licenseFamily: confirmed.licenseFamily,
        language: grant.language ?? confirmed.language,
      })
      store.journal.append(grant.memberId, 'app.installed', { via, domain: grant.domain, license: confirmed.licenseFamily })
    })
    const setup = await this.bind(grant.memberId)
    this.deps.onInstalled?.(grant.memberId)
    return { portal: this.portal(grant.memberId), setup }
  }

  /** ONAPPUPDATE: confirms the new tokens against the stored portal, replaces the application_token, re-binds. */
  async update(grant: InstallGrant): Promise<SetupOutcome> {
    const stored = this.deps.store.portals.get(grant.memberId)
    if (!stored || stored.status === 'uninstalled') throw new UnauthorizedError('Unknown portal', 'UNKNOWN_PORTAL')
    // The new application_token cannot be checked against the old one: trust it only if the
    // portal we already know (its stored endpoint, never one from the request) accepts the tokens.
    const confirmed = await this.confirm({ ...this.credentialsOf(grant), clientEndpoint: stored.clientEndpoint })
    const { store } = this.deps
    store.transaction(() => {
      store.portals.install({
        ...confirmed.credentials,
        applicationToken: grant.applicationToken,
        adminUserId: stored.adminUserId,
        appStatus: grant.appStatus ?? stored.appStatus,
        licenseFamily: confirmed.licenseFamily ?? stored.licenseFamily,
        language: grant.language ?? stored.language,
      })
      store.journal.append(grant.memberId, 'app.updated', { tokenRotated: grant.applicationToken !== stored.applicationToken })
    })
    return this.bind(grant.memberId)
  }

  /** ONAPPUNINSTALL: only with the stored application_token; forgets tokens, and with `clean` every row of the portal. */
  uninstall(memberId: string, applicationToken: string, clean: boolean): void {
    const { store, clients } = this.deps
    const stored = store.portals.get(memberId)
    if (!stored || stored.status === 'uninstalled' || !sameSecret(applicationToken, stored.applicationToken)) {
      throw new UnauthorizedError('Unknown portal or wrong application_token', 'INVALID_APPLICATION_TOKEN')
    }
    store.transaction(() => {
      if (clean) {
        store.deletePortalData(memberId)
      } else {
        store.portals.revoke(memberId, 'uninstalled by the portal')
      }
      store.journal.append(memberId, 'app.uninstalled', { clean })
    })
    clients.forget(memberId)
  }

  /** Re-reads the portal's bindings and binds what is missing, offline events included when configured. */
  async bind(memberId: string): Promise<SetupOutcome> {
    const { store, clients, manifest, config } = this.deps
    clients.forget(memberId)
    const setup = await bindPortal(clients.get(memberId), manifest, config.publicUrl)
    store.journal.append(memberId, 'app.bound', { ...setup })
    await this.bindOffline(memberId)
    return setup
  }

  // Offline events are extra reliability: a portal that refuses them keeps its online events.
  private async bindOffline(memberId: string): Promise<OfflineSetup | undefined> {
    const { store, clients, manifest, config, logger } = this.deps
    const previous = store.offlineQueues.get(memberId)
    const wasActive = previous?.mode === 'active'
    if (config.offlineEvents === 'off' && !wasActive) return undefined
    let setup: OfflineSetup
    try {
      setup = await bindOffline(clients.get(memberId), manifest, config.publicUrl, config.offlineEvents, wasActive ? previous.authConnector : undefined)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.error({ memberId, error: message }, 'offline events could not be set up; online events go on')
      store.journal.append(memberId, 'offline.failed', { error: message })
      return undefined
    }
    store.transaction(() => {
      store.offlineQueues.setMode(memberId, setup.mode, setup.authConnector)
      if (setup.mode === 'unavailable') {
        store.journal.append(memberId, 'offline.unavailable', { feature: 'rest_offline_extended', unbound: setup.unbound })
      } else if (setup.mode === 'active' && (!wasActive || setup.boundOffline.length > 0 || setup.boundPush)) {
        store.journal.append(memberId, 'offline.active', { ...setup })
      } else if (setup.mode === 'off') {
        store.journal.append(memberId, 'offline.off', { unbound: setup.unbound })
      }
    })
    if (setup.mode === 'unavailable') {
      logger.warn({ memberId }, "offline events are not available on the portal's plan (feature rest_offline_extended); online events only")
    }
    // The portal's client carries the source key of the app's own writes from now on.
    clients.forget(memberId)
    return setup
  }

  private portal(memberId: string): Portal {
    const portal = this.deps.store.portals.get(memberId)
    if (!portal) throw new AppError('PORTAL_LOST', 'The portal vanished during install', 500)
    return portal
  }

  private credentialsOf(grant: InstallGrant): PortalCredentials {
    const { config, now } = this.deps
    const clientEndpoint = new URL(grant.clientEndpoint)
    const serverEndpoint = new URL(grant.serverEndpoint ?? config.oauthUrl ?? 'https://oauth.bitrix.info/rest/')
    for (const host of [clientEndpoint.hostname, serverEndpoint.hostname]) {
      if (!isAllowedHost(host, config.allowedHosts)) {
        throw new ForbiddenError(`The host "${host}" is not on the allow-list of portals (B24_ALLOWED_HOSTS)`, 'HOST_NOT_ALLOWED')
      }
    }
    if (!config.clientId || !config.clientSecret) {
      throw new AppError('APP_NOT_CONFIGURED', 'The app has no B24_CLIENT_ID / B24_CLIENT_SECRET; set them and install again', 503)
    }
    return {
      memberId: grant.memberId,
      domain: grant.domain,
      clientEndpoint: grant.clientEndpoint.replace(/\/+$/, ''),
      serverEndpoint: serverEndpoint.href,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: Math.floor(now().getTime() / 1000) + grant.expiresIn,
      scope: grant.scope,
    }
  }

  // Asks the portal itself whether the tokens are real (the install URL is unauthenticated).
  private async confirm(credentials: PortalCredentials) {
    const { config, logger } = this.deps
    let current = credentials
    const client = new PortalClient(credentials, {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      oauthUrl: config.oauthUrl,
      timeoutMs: config.timeoutMs,
      logger,
      keeper: {
        saveTokens: (_memberId: string, tokens: RefreshedTokens) => { current = { ...current, ...tokens } },
        markNeedsReauth: () => {},
      },
    })
    try {
      const answer = await client.batch({ app: { method: 'app.info' }, me: { method: 'profile' } })
      const refused = Object.values(answer.errors)[0]
      if (refused) throw new B24Error({ method: 'app.info', code: refused.error, description: refused.description, httpStatus: 200 })
      const app = (answer.results.app ?? {}) as AppInfo
      const me = (answer.results.me ?? {}) as Profile
      return {
        credentials: current,
        licenseFamily: app.LICENSE_FAMILY ?? null,
        language: app.LANGUAGE_ID ?? null,
        userId: me.ID === undefined ? null : Number(me.ID),
        isAdmin: me.ADMIN === true,
      }
    } catch (error) {
      if (error instanceof B24Error) {
        throw new ForbiddenError(`The portal did not confirm the install tokens: ${error.code || error.message}`, 'TOKENS_NOT_CONFIRMED')
      }
      throw error
    }
  }
}

/** The documented rate budget for a portal's plan (Enterprise: LICENSE_FAMILY "ent"). */
export function budgetFor(licenseFamily: string | null): RateBudget {
  return licenseFamily === 'ent' ? RATE_BUDGETS.enterprise : RATE_BUDGETS.standard
}
