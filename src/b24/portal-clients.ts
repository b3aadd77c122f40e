// The registry of portal clients: one per member_id, so every caller shares its bucket and its tokens.
import { AppError } from '../shared/app-error.js'
import { PortalClient } from './portal-client.js'
import type { ClientOptions, PortalCredentials, RateBudget } from './types.js'

/** What the registry reads a portal from; undefined for a portal that is unknown or uninstalled. */
export type LoadPortal = (memberId: string) => Promise<
  | (PortalCredentials & { budget?: RateBudget | undefined; authConnector?: string | null | undefined })
  | undefined>

/** Exactly one PortalClient per member_id until forget(); get() rejects with a 404 AppError for an unknown portal. */
export class PortalClients {
  // The promise is kept, not the client: callers asking at once while the store is read share one client.
  readonly #clients = new Map<string, Promise<PortalClient>>()
  readonly #load: LoadPortal
  readonly #options: Omit<ClientOptions, 'budget'>

  constructor(load: LoadPortal, options: Omit<ClientOptions, 'budget'>) {
    this.#load = load
    this.#options = options
  }

  /** The portal's client, built from the stored credentials on first use. */
  get(memberId: string): Promise<PortalClient> {
    const known = this.#clients.get(memberId)
    if (known) return known
    const client = this.#build(memberId)
    this.#clients.set(memberId, client)
    // An unknown portal is not remembered: it may be installed next.
    client.catch(() => { if (this.#clients.get(memberId) === client) this.#clients.delete(memberId) })
    return client
  }

  /** Drops the portal's client (uninstall, reinstall with new tokens, a new offline mode); the next get() reads the store again. */
  forget(memberId: string): void {
    this.#clients.delete(memberId)
  }

  async #build(memberId: string): Promise<PortalClient> {
    const portal = await this.#load(memberId)
    if (!portal) throw new AppError('PORTAL_UNKNOWN', `No installed portal with member_id ${memberId}`, 404)
    return new PortalClient(portal, { ...this.#options, budget: portal.budget, authConnector: portal.authConnector })
  }
}
