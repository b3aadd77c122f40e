// TASK-ONE-RESPONSIBLE — "One task — one responsible. If several employees are needed we still set one responsible and the
// other as co-executor, and write clearly what each must do" (seed 000). The creator is told of a task set for several
// responsibles at once, and of co-executors whose part the description does not name.
import { demandOf, msDuration } from './clock.js'
import { userName } from './directory.js'
import { plural } from './plural.js'
import { createdAtOf, fold, idList, isTaskClosed, responsibleOf, text } from './record.js'
import type { Directory } from './directory.js'
import type { Finding, RecordInput, RelatedRecord, Rule, RuleContext, Snapshot, Text } from './types.js'

/** TASK-ONE-RESPONSIBLE's own settings. */
export interface TaskOneResponsibleSettings {
  /** Tasks of one creator with one title created this close together (milliseconds) are one task set for several people. */
  windowMs: number
}

interface Made {
  id: string
  title: string
  responsibleId: string | null
  at: number
}

/**
 * The tasks made together with this one: same creator and title, each created within `windowMs` of the previous one
 * (so every task of the burst sees the same group, whichever is checked). This task included, in creation order.
 */
export function madeTogether(record: RecordInput, sameTasks: readonly Snapshot[], windowMs: number): Made[] {
  const made = (id: string, task: Snapshot): Made => ({ id, title: text(task, 'title'), responsibleId: responsibleOf('task', task), at: Date.parse(createdAtOf('task', task)) })
  const self = made(record.id, record.current)
  if (Number.isNaN(self.at)) return [self]
  const all = [self, ...sameTasks.map((task) => made(text(task, 'id'), task)).filter((task) => task.id !== self.id && !Number.isNaN(task.at))]
  all.sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id))
  const index = all.indexOf(self)
  let first = index
  while (first > 0 && all[first]!.at - all[first - 1]!.at <= windowMs) first--
  let last = index
  while (last < all.length - 1 && all[last + 1]!.at - all[last]!.at <= windowMs) last++
  return all.slice(first, last + 1)
}

/** True when the (BB-code) description names the user: `[USER=id]`, or their first name, last name or full name, in any case and declension ending. */
export function namesUser(description: string, directory: Directory, id: string): boolean {
  if (new RegExp(`\\[user=${id}\\]`, 'i').test(description)) return true
  const name = fold(directory.users.get(id)?.name.trim() ?? '')
  if (name === '') return false
  const words = fold(description.replace(/\[[^\]]*\]/g, ' ')).match(/\p{L}+/gu) ?? []
  const parts = name.split(/\s+/).filter((part) => part.length >= 2)
  // Russian names decline (Анна → Анне, Морозова → Морозовой): a word matches the part's stem and a short ending.
  return parts.some((part) => {
    const stem = part.length >= 4 ? part.replace(/[аяеоуыиьй]$/, '') : part
    return words.some((word) => word.startsWith(stem) && word.length <= stem.length + 3)
  })
}

// Why co-executors the directory does not know cannot be checked, in the singular or the plural.
function notInDirectory(unknown: readonly string[]): Text {
  const ids = unknown.map((id) => `#${id}`).join(', ')
  if (unknown.length === 1) {
    return { ru: `Нельзя проверить, описана ли часть соисполнителя ${ids}: его нет в справочнике сотрудников.`, en: `Whether co-executor ${ids} has a described part cannot be checked: not in the directory.` }
  }
  return { ru: `Нельзя проверить, описаны ли части соисполнителей ${ids}: их нет в справочнике сотрудников.`, en: `Whether co-executors ${ids} have described parts cannot be checked: they are not in the directory.` }
}

/** The rule as the catalogue lists it. */
export const taskOneResponsible: Rule<TaskOneResponsibleSettings> = {
  id: 'TASK-ONE-RESPONSIBLE',
  version: 1,
  title: { ru: 'Одна задача — один ответственный', en: 'One task, one responsible' },
  entities: ['task'],
  check(record: RecordInput, context: RuleContext<TaskOneResponsibleSettings>): Finding[] {
    const task = record.current
    if (isTaskClosed(task)) return []
    const creator = text(task, 'createdBy')
    const responsibleId = responsibleOf('task', task)
    const base = { ruleId: this.id, responsibleId, ...(creator ? { recipients: [creator] } : {}) }
    const title = text(task, 'title')
    const findings: Finding[] = []

    const group = madeTogether(record, context.sameTasks, context.settings.windowMs)
    const responsibles = [...new Set(group.map((made) => made.responsibleId).filter((id) => id !== null))]
    const lowest = group.reduce((low, made) => (Number(made.id) < Number(low.id) ? made : low), group[0]!)
    // The whole burst is told once, on its lowest task id.
    if (responsibles.length > 1 && lowest.id === record.id) {
      const names = responsibles.map((id) => userName(context.directory, id)).join(', ')
      const count = responsibles.length
      const related: RelatedRecord[] = group.filter((made) => made.id !== record.id).map((made) => ({ entity: 'task', id: made.id, title: made.title, responsibleId: null }))
      findings.push({
        ...base, variant: 'split', related,
        // Told once the burst is over (the window after its first task), so the message names everyone it went to.
        clock: demandOf({ within: msDuration(context.settings.windowMs), warnAt: [], escalate: [], time: '24/7' }, new Date(lowest.at).toISOString()),
        problem: {
          ru: `Одна задача — один ответственный: задача «${title}» поставлена ${count} ${plural(count, ['исполнителю', 'исполнителям', 'исполнителям'])} (${names}).`,
          en: `One task, one responsible: the task "${title}" was set for ${count} people (${names}).`,
        },
        todo: {
          ru: 'Оставьте одного ответственного, остальных сделайте соисполнителями и опишите, что делает каждый.',
          en: 'Keep one responsible, make the others co-executors and describe what each of them does.',
        },
      })
    }

    const description = text(task, 'description')
    const accomplices = idList(task, 'accomplices').filter((id) => id !== responsibleId)
    const unknown = accomplices.filter((id) => !context.directory.users.has(id) && !namesUser(description, context.directory, id))
    const silent = accomplices.filter((id) => context.directory.users.has(id) && !namesUser(description, context.directory, id))
    if (silent.length > 0) {
      const names = silent.map((id) => userName(context.directory, id)).join(', ')
      const one = silent.length === 1
      findings.push({
        ...base, variant: 'parts',
        problem: {
          ru: `В описании задачи «${title}» не сказано, что делает ${one ? 'соисполнитель' : 'каждый из соисполнителей:'} ${names}.`,
          en: `The description of the task "${title}" does not say what ${one ? 'the co-executor' : 'each of the co-executors'} ${names} ${one ? 'does' : 'do'}.`,
        },
        todo: {
          ru: 'Допишите в описание, что требуется от каждого соисполнителя: назовите его и его часть работы.',
          en: 'Add to the description what each co-executor must do: name them and their part.',
        },
      })
    }
    if (findings.length === 0 && unknown.length > 0) {
      const why = notInDirectory(unknown)
      findings.push({ ...base, variant: 'parts', problem: why, todo: why, undecided: why })
    }
    return findings
  },
}
