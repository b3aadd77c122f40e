// RULES.md: "Supervisor of a user = head (`UF_HEAD`) of the user's department; if the user is that head, the head of the parent department; a config map may override."

/** A portal user as the directory keeps them. */
export interface DirectoryUser {
  id: string
  name: string
  active: boolean
  /** Department ids in the portal's order (`UF_DEPARTMENT`); the first one decides the supervisor. */
  departments: string[]
}

/** A department of the company structure. */
export interface DirectoryDepartment {
  id: string
  name: string
  /** null for the root. */
  parentId: string | null
  /** The head's user id (`UF_HEAD`), null when no head is set. */
  headId: string | null
}

/** A portal's users and departments by id, as of the last refresh. */
export interface Directory {
  users: ReadonlyMap<string, DirectoryUser>
  departments: ReadonlyMap<string, DirectoryDepartment>
}

/**
 * The user's supervisor: the override when the config names one; otherwise the first active head, other than
 * the user, on the way from the user's first department up to the root. Undefined for an unknown user, a user
 * without a department, and whoever has nobody above them.
 */
export function supervisorOf(directory: Directory, userId: string, overrides: Readonly<Record<string, string>>): string | undefined {
  const override = Object.hasOwn(overrides, userId) ? overrides[userId] : undefined
  if (override !== undefined && override !== '') return override
  const user = directory.users.get(userId)
  if (user === undefined) return undefined
  const seen = new Set<string>()
  let departmentId: string | null = user.departments[0] ?? null
  while (departmentId !== null && !seen.has(departmentId)) {
    seen.add(departmentId)
    const department = directory.departments.get(departmentId)
    if (department === undefined) return undefined
    const headId = department.headId
    if (headId !== null && isEligibleHead(directory, headId, userId)) return headId
    departmentId = department.parentId
  }
  return undefined
}

// A head the directory does not know (not yet synced) still counts: better to tell someone than nobody.
function isEligibleHead(directory: Directory, headId: string, userId: string): boolean {
  if (headId === userId) return false
  const head = directory.users.get(headId)
  if (head === undefined) return true
  return head.active
}

/** The user's name as the portal shows it, or `#<id>` when the directory has no name for them. */
export function userName(directory: Directory, id: string): string {
  const name = directory.users.get(id)?.name.trim()
  if (name === undefined || name === '') return `#${id}`
  return name
}

/** The departments a user heads, with their sub-departments however deep. */
export function departmentsHeadedBy(directory: Directory, userId: string): Set<string> {
  const headed = new Set<string>()
  for (const department of directory.departments.values()) if (department.headId === userId) headed.add(department.id)
  // Add the children of what is already in until nothing new comes.
  let grew = headed.size > 0
  while (grew) {
    grew = false
    for (const department of directory.departments.values()) {
      if (department.parentId !== null && headed.has(department.parentId) && !headed.has(department.id)) {
        headed.add(department.id)
        grew = true
      }
    }
  }
  return headed
}

/**
 * The people a supervisor sees: everyone in the departments they head and those departments' sub-departments,
 * and whoever the config map names them supervisor of; never the supervisor themselves. Empty for anyone else.
 */
export function peopleUnder(directory: Directory, supervisorId: string, overrides: Readonly<Record<string, string>>): Set<string> {
  const headed = departmentsHeadedBy(directory, supervisorId)
  const people = new Set<string>()
  for (const user of directory.users.values()) if (user.departments.some((id) => headed.has(id))) people.add(user.id)
  for (const [userId, supervisor] of Object.entries(overrides)) if (supervisor === supervisorId) people.add(userId)
  people.delete(supervisorId)
  return people
}
