// The portal's lead statuses (crm.status.list, ENTITY_ID=STATUS): which one a new lead starts in.

/** One lead status as the portal lists it. */
export interface LeadStatus {
  statusId: string
  sort: number
  /** 'S' success (converted), 'F' failure (junk), null for a working status. */
  semantics: 'S' | 'F' | null
}

/** Where new leads start on a portal that has not been read yet: the system status every portal has. */
export const DEFAULT_FIRST_LEAD_STATUS = 'NEW'

/** The first working status by the portal's sort order; the default when the portal's list is not known. */
export function firstLeadStatus(statuses: readonly LeadStatus[]): string {
  let first: LeadStatus | undefined
  for (const status of statuses) {
    if (status.semantics !== null) continue
    if (first === undefined || status.sort < first.sort) first = status
  }
  if (first === undefined) return DEFAULT_FIRST_LEAD_STATUS
  return first.statusId
}
