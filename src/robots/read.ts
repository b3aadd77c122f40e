// Re-reads a robot call's document from the portal (never trusting the mirror for what the step is to act on).
import { isNotFound, type PortalClient } from '../b24/index.js'
import { ENTITIES, project } from '../ingest/entities.js'
import { asRecord, isRecord } from '../shared/records.js'
import type { RobotCall } from '../store/robot-calls.js'

/** The call's document as the portal has it now, or why there is none. */
export type DocumentRead =
  | { found: true; record: Record<string, unknown>; company?: { id: string; record: Record<string, unknown> } }
  | { found: false; reason: 'gone' | 'unsupported' }

/**
 * Reads the document of `call` (crm.lead.get, crm.deal.get, crm.item.get) and, with `withCompany`, a deal's company;
 * a record the portal does not have is `gone`. Any other failure throws (the call is tried again).
 */
export async function readDocument(client: PortalClient, call: RobotCall, withCompany: boolean): Promise<DocumentRead> {
  const { entity, entityId } = call
  if (entityId === null || !['lead', 'deal', 'item'].includes(entity)) return { found: false, reason: 'unsupported' }
  const command = entity === 'item'
    ? { method: 'crm.item.get', params: { entityTypeId: call.entityTypeId, id: entityId } }
    : ENTITIES[entity]!.get(entityId)
  const record = await readOne(client, command, (result) => (entity === 'item' ? itemOf(result) : ENTITIES[entity]!.unwrap(result)))
  if (!record) return { found: false, reason: 'gone' }
  if (entity === 'item') return { found: true, record }
  const kind = ENTITIES[entity]!
  const projected = project(kind, record)
  const companyId = String(projected.COMPANY_ID ?? '')
  if (!withCompany || entity !== 'deal' || !/^[1-9]\d*$/.test(companyId)) return { found: true, record: projected }
  const company = await readOne(client, ENTITIES.company!.get(companyId), ENTITIES.company!.unwrap)
  return { found: true, record: projected, ...(company ? { company: { id: companyId, record: project(ENTITIES.company!, company) } } : {}) }
}

async function readOne(client: PortalClient, command: { method: string; params: Record<string, unknown> }, unwrap: (result: unknown) => Record<string, unknown> | undefined) {
  const outcome = await client.batch({ r: command })
  const failure = outcome.errors.r
  if (failure && isNotFound(failure)) return undefined
  if (failure) throw new Error(`${command.method}: ${failure.error || 'error'} ${failure.description}`.trim())
  return unwrap(outcome.results.r)
}

// crm.item.get answers { item: {...} } (crm-item-get.md).
function itemOf(result: unknown): Record<string, unknown> | undefined {
  const item = asRecord(result).item
  return isRecord(item) ? item : undefined
}
