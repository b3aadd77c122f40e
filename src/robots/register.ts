// Registers the app's robots on a portal at every install and ONAPPUPDATE (the portal removes them on an update),
// idempotently: bizproc.robot.list first, then add what is missing and update what is there.
import type { Logger } from 'pino'
import type { PortalClients } from '../b24/index.js'
import type { BatchCaller, CommandFailure, Commands } from '../portal/portal-setup.js'
import { errorMessage } from '../shared/errors.js'
import type { StorePort } from '../store/port.js'
import { ROBOTS, robotAddParams } from './catalogue.js'

/** The path the portal POSTs robot calls to. */
export const ROBOTS_PATH = '/robots'

/** What one registration did: the robots now on the portal, or why the portal has none. */
export type RobotRegistration =
  | { mode: 'registered'; robots: string[]; added: string[]; updated: string[] }
  | { mode: 'unavailable' | 'failed'; robots: string[]; error: string }

// A plan without automation has no bizproc.* methods (shared/notes/robots.md: they exist only with the features bizproc
// or crm_automation_*), a portal that refuses the scope answers insufficient_scope, and ACCESS_DENIED (bizproc-robot-add.md)
// is the answer without an application context: each means no robots on this portal.
const NO_AUTOMATION = new Set(['ERROR_METHOD_NOT_FOUND', 'INSUFFICIENT_SCOPE', 'ACCESS_DENIED'])

const describe = (failure: CommandFailure): string => `${failure.error} ${failure.description}`.trim()

/** Makes the portal's robots match the catalogue for calls to `publicUrl` + /robots, run with `authUserId`'s tokens. */
export async function registerRobots(client: BatchCaller, publicUrl: string, authUserId: number): Promise<RobotRegistration> {
  const current = await client.batch({ list: { method: 'bizproc.robot.list' } })
  const refused = current.errors.list
  if (refused) {
    const mode = NO_AUTOMATION.has(refused.error.toUpperCase()) ? 'unavailable' : 'failed'
    return { mode, robots: [], error: describe(refused) }
  }
  const existing = new Set(Array.isArray(current.results.list) ? current.results.list.map(String) : [])
  const handler = publicUrl + ROBOTS_PATH
  const commands: Commands = {}
  for (const robot of ROBOTS) {
    const { CODE, ...fields } = robotAddParams(robot, { handler, authUserId })
    commands[robot.code] = existing.has(robot.code)
      ? { method: 'bizproc.robot.update', params: { CODE, FIELDS: fields } }
      : { method: 'bizproc.robot.add', params: { CODE, ...fields } }
  }
  const outcome = await client.batch(commands)
  // A robot another registration added a moment ago is there: ERROR_ACTIVITY_ALREADY_INSTALLED is fine.
  const failures = Object.entries(outcome.errors).filter(([, failure]) => failure.error !== 'ERROR_ACTIVITY_ALREADY_INSTALLED')
  const robots = ROBOTS.map((robot) => robot.code).filter((code) => !failures.some(([key]) => key === code))
  if (failures.length > 0) return { mode: 'failed', robots, error: failures.map(([key, failure]) => `${key}: ${describe(failure)}`).join('; ') }
  const added = ROBOTS.filter((robot) => !existing.has(robot.code)).map((robot) => robot.code)
  return { mode: 'registered', robots, added, updated: ROBOTS.filter((robot) => existing.has(robot.code)).map((robot) => robot.code) }
}

/** What setUpRobots needs. */
export interface RobotSetUpDeps {
  store: StorePort
  clients: PortalClients
  logger: Logger
  publicUrl: string
}

/**
 * Registers the robots on a portal and remembers the outcome (robot_setups, the journal): a portal without automation
 * installs all the same, without robots, and /healthz and the settings page say so. Never throws.
 */
export async function setUpRobots(deps: RobotSetUpDeps, memberId: string): Promise<RobotRegistration> {
  const { store, clients, logger, publicUrl } = deps
  let registration: RobotRegistration
  try {
    registration = await registerRobots(await clients.get(memberId), publicUrl, (await store.portals.get(memberId))?.adminUserId ?? 1)
  } catch (error) {
    registration = { mode: 'failed', robots: [], error: errorMessage(error) }
  }
  const { mode, robots } = registration
  const error = 'error' in registration ? registration.error : null
  await store.apply({ memberId, unknownUsers: [], steps: [
    { op: 'robots.setUp', setup: { mode, robots, error } },
    { op: 'journal', kind: `robots.${mode}`, detail: { ...registration } },
  ] })
  if (mode === 'unavailable') logger.warn({ memberId, error }, "the portal's plan has no automation: installed without robots")
  if (mode === 'failed') logger.error({ memberId, error }, 'the robots could not be registered')
  return registration
}
