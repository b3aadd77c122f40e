// The registry of portal clients: one per member_id, so every caller shares its bucket and its tokens.
import { AppError } from '../shared/app-error.js'
import { PortalClient } from './portal-client.js'
import type { ClientOptions, PortalCredentials, RateBudget } from './types.js'

/** What the registry reads a portal from; undefined for a portal that is unknown or uninstalled. */
export type LoadPortal = (memberId: string) =>
  | (PortalCredentials & { budget?: RateBudget | undefined; authConnector?: string | null | undefined })
  | undefined

/** Exactly one PortalClient per member_id until forget(); get() throws a 404 AppError for an unknown portal. */
export class PortalClients {
  readonly #clients = new Map<string, PortalClient>()
  readonly #load: LoadPortal
  readonly #options: Omit<ClientOptions, 'budget'>

  constructor(load: LoadPortal, options: Omit<ClientOptions, 'budget'>) {
    this.#load = load
    this.#options = options
  }

  /** The portal's client, built from the stored credentials on first use. */
  get(memberId: string): PortalClient {
    const known = this.#clients.get(memberId)
    if (known) return known
    const portal = this.#load(memberId)
    if (!portal) throw new AppError('PORTAL_UNKNOWN', `No installed portal with member_id ${memberId}`, 404)
    const client = new PortalClient(portal, { ...this.#options, budget: portal.budget, authConnector: portal.authConnector })
    this.#clients.set(memberId, client)
    return client
  }

  /** Drops the portal's client (uninstall, reinstall with new tokens, a new offline mode); the next get() reads the store again. */
  forget(memberId: string): void {
    this.#clients.delete(memberId)
  }
}
