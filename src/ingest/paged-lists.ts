// Lists read beside their records in a batch (a task's history, an activity's bindings, a deal's activities): the pages
// after the first, for all of them together, in as few batch requests as they need.
import type { BatchCommands, BatchOutcome } from '../b24/index.js'

/** "The page size of results is always static: 50 records" (crm-activity-list.md; the same for the other lists). */
export const PAGE_SIZE = 50
// A portal that kept answering full pages past this would be a broken one: what was read so far is used.
const MAX_PAGES = 200

type Command = BatchCommands[string]

/** One list of one record, as the portal pages it with `start`. */
export interface PagedList {
  /** The command for the page starting at `start` (0, 50, 100…). */
  page: (start: number) => Command
  /** The rows of one page's answer, or undefined when the answer is not such a list. */
  rows: (result: unknown) => unknown[] | undefined
  /** True when rows may follow this page that the rules need (a full page, at least). */
  more: (page: unknown[]) => boolean
}

/** A list whose first page came with its record: the answer, or the command's error. */
export interface FirstPage {
  list: PagedList
  result: unknown
  failed: boolean
}

/**
 * Every row of each list, its first page given, the others read page by page (a batch a round, every list that wants
 * more in it); undefined for a list one of whose pages failed or was not a list. A failed batch request throws.
 */
export async function readAllPages(
  batch: (commands: BatchCommands) => Promise<BatchOutcome>,
  firsts: ReadonlyMap<string, FirstPage>,
): Promise<Map<string, unknown[] | undefined>> {
  const rows = new Map<string, unknown[] | undefined>()
  let open: string[] = []
  for (const [key, first] of firsts) {
    const page = first.failed ? undefined : first.list.rows(first.result)
    rows.set(key, page && [...page])
    if (page && first.list.more(page)) open.push(key)
  }
  for (let round = 1; open.length > 0 && round < MAX_PAGES; round++) {
    const commands: BatchCommands = {}
    for (const key of open) commands[key] = firsts.get(key)!.list.page(round * PAGE_SIZE)
    const outcome = await batch(commands)
    const next: string[] = []
    for (const key of open) {
      const list = firsts.get(key)!.list
      const page = outcome.errors[key] ? undefined : list.rows(outcome.results[key])
      if (page === undefined) {
        rows.set(key, undefined)
        continue
      }
      rows.get(key)!.push(...page)
      if (page.length > 0 && list.more(page)) next.push(key)
    }
    open = next
  }
  return rows
}
