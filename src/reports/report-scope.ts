// Whose records a report counts: a department's people, a supervisor's, and the reading context built from a scope.
import { peopleUnder, userName, type Directory } from '../../rules/directory.js'
import { pathOf } from '../../rules/record.js'
import type { Entity } from '../../rules/types.js'
import type { StorePort } from '../store/port.js'
import type { ReportScope } from './report-types.js'

/** The people of a department: everyone in it and its sub-departments, its head aside (as `peopleUnder` counts them). */
export function departmentPeople(directory: Directory, departmentId: string): Set<string> {
  const inside = new Set([departmentId])
  let grew = true
  while (grew) {
    grew = false
    for (const department of directory.departments.values()) {
      if (department.parentId !== null && inside.has(department.parentId) && !inside.has(department.id)) {
        inside.add(department.id)
        grew = true
      }
    }
  }
  const head = directory.departments.get(departmentId)?.headId ?? null
  const people = new Set<string>()
  for (const user of directory.users.values()) if (user.id !== head && user.departments.some((id) => inside.has(id))) people.add(user.id)
  return people
}

/** A supervisor's own scope: the people under them, named after the first department they head. */
export function supervisorScope(directory: Directory, userId: string, overrides: Readonly<Record<string, string>>, lang: 'ru' | 'en'): ReportScope {
  const first = [...directory.departments.values()].find((department) => department.headId === userId)
  return { departmentId: null, name: first?.name ?? (lang === 'ru' ? 'Сотрудники' : 'Staff'), people: peopleUnder(directory, userId, overrides) }
}

/** What reading a report's rows needs: the store, the portal, whose records and which period count, names and links. */
export interface ReportReading {
  store: StorePort
  directory: Directory
  memberId: string
  fromMs: number
  toMs: number
  from: Date
  to: Date
  /** True for a user the scope counts (everyone's, or one of its people). */
  inScope(userId: string | null): boolean
  /** True for an ISO-8601 time in [from, to). */
  inPeriod(iso: string | null): boolean
  /** A user's name, '' for none. */
  name(userId: string | null): string
  /** The record's page in the portal. */
  link(entity: Entity, id: string): string
  /** The deals with an outstanding DEAL-NEXT-STEP finding: no step planned (`none:`), or its deadline passed (`after:`). */
  noNextStep: ReadonlySet<string>
  overdueStep: ReadonlySet<string>
}

/** The reading context of a scope over [fromMs, toMs) on a portal whose pages are at `origin`. */
export function readingOf(deps: { store: StorePort; directory: Directory }, memberId: string, scope: ReportScope, fromMs: number, toMs: number, origin: string,
  nextStep: ReadonlyArray<{ entityId: string; variant: string }>): ReportReading {
  const dealsWith = (prefix: string) => new Set(nextStep.filter((violation) => violation.variant.startsWith(prefix)).map((violation) => violation.entityId))
  return {
    ...deps, memberId, fromMs, toMs, from: new Date(fromMs), to: new Date(toMs),
    inScope: (userId) => scope.people === 'all' || (userId !== null && scope.people.has(userId)),
    inPeriod: (iso) => {
      if (!iso) return false
      const at = Date.parse(iso)
      return at >= fromMs && at < toMs
    },
    name: (userId) => (userId ? userName(deps.directory, userId) : ''),
    link: (entity, id) => origin + pathOf(entity, id),
    noNextStep: dealsWith('none:'),
    overdueStep: dealsWith('after:'),
  }
}
