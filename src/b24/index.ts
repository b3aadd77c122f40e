// The portal client's public face: the only way the rest of the app talks to Bitrix24.
export { B24Error, isNotFound, type B24ErrorInit } from './b24-error.js'
export type { BatchCommands, BatchCommandError, BatchOutcome } from './batch.js'
export type { ListOptions } from './list.js'
export { PortalClient, type Page } from './portal-client.js'
export { PortalClients, type LoadPortal } from './portal-clients.js'
export { isIdempotent } from './retry-policy.js'
export * from './types.js'
