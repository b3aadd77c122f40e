// Prints the app's reactions as they land in its journal, with what people see in the portal.
import type { JournalEntry } from '../../src/store/journal.js'
import type { Harness } from '../helpers/harness.js'

const NAMES: Record<string, string> = {}

function who(h: Harness, userId: unknown): string {
  const id = String(userId)
  if (!NAMES[id]) {
    const user = h.portal.data.user(id)
    NAMES[id] = user ? `${user.NAME} ${user.LAST_NAME}`.trim() : `#${id}`
  }
  return NAMES[id]!
}

// A BB-code message as plain lines for the terminal.
function plain(message: string): string {
  return message.replace(/\[URL=([^\]]+)\]([^[]*)\[\/URL\]/g, '$2 <$1>').replace(/\[\/?B\]/g, '').split('\n').map((line) => `      │ ${line}`).join('\n')
}

/** What the portal received that has been printed already. */
export interface Shown {
  notices: Set<number>
  comments: Set<number>
  /** Print the deadline clocks' starts and outcomes (the deadline scene; the morning leaves them out). */
  clocks?: boolean
}

// A clock's outcome as the demo tells it.
const OUTCOMES: Record<string, string> = {
  met: 'срок соблюдён',
  late: 'сделано с опозданием',
  restarted: 'начат заново',
  'no longer applies': 'правило больше не применяется',
}

// Seconds for the demo's short deadlines; hours for a task's deadline days ahead.
const seconds = (ms: number): string =>
  ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} ч` : `${(ms / 1000).toFixed(1).replace('.', ',')} с`

/** One terminal line (or block) per journal row worth showing; undefined for bookkeeping rows. */
export async function describe(h: Harness, entry: JournalEntry, shown: Shown): Promise<string | undefined> {
  const d = entry.detail
  switch (entry.kind) {
    case 'app.installed':
      return `  ✔ Портал установил приложение (${String(d.via) === 'api' ? 'только API' : 'с интерфейсом'})`
    case 'app.bound':
      return `  ✔ Подключены события (${(d.boundEvents as string[]).length}) и вкладки карточек: ${(d.boundPlacements as string[]).join(', ')}`
    case 'robots.registered':
      return `  ✔ Роботы приложения зарегистрированы в автоматизации портала: ${(d.robots as string[]).length}`
    case 'robots.unavailable':
      return '  ⚠ На тарифе портала нет автоматизации: приложение установлено без роботов'
    case 'robot.fixed':
      return `  ✎ Робот исправил в портале: ${String(d.entity)} #${String(d.entityId)} ← ${JSON.stringify(d.fields)}`
    case 'directory.refreshed':
      return `  ✔ Сотрудники и отделы загружены: ${String(d.users)} сотрудников, ${String(d.departments)} отдела`
    case 'violation.opened':
      return `  ⚠ ${String(d.ruleId)} · ${String(d.entity)} #${String(d.entityId)}: ${String(d.problem)} [режим ${String(d.mode)}]`
    case 'fix.applied':
      return `  ✎ Исправлено в портале: ${String(d.entity)} #${String(d.entityId)} ← ${JSON.stringify(d.fields)}`
    case 'comment.added': {
      // Each journal row shows the next comment the portal received for that record, once.
      const comment = h.portal.data.timelineComments.find((c) =>
        c.entityType.toLowerCase() === String(d.entity).toLowerCase() && String(c.entityId) === String(d.entityId) && !shown.comments.has(c.id))
      if (comment) shown.comments.add(comment.id)
      return `  🗒 Комментарий в истории ${String(d.entity)} #${String(d.entityId)}: «${comment?.comment ?? ''}»`
    }
    case 'notified': {
      const notice = h.portal.data.notifications.find((n) => n.userId === Number(d.userId) && !shown.notices.has(n.id))
      if (notice) shown.notices.add(notice.id)
      return `  ✉ Уведомление для ${who(h, d.userId)}:\n${plain(notice?.message ?? '')}`
    }
    case 'violation.escalated':
      return `  ⇪ Эскалация руководителю: ${who(h, d.supervisorId)}`
    case 'clock.started': {
      if (!shown.clocks) return undefined
      const span = Date.parse(String(d.dueAt)) - Date.parse(String(d.startedAt))
      // A clock to a deadline itself (a task's): it starts and falls due at the deadline, told from now.
      const when = span > 0 ? seconds(span) : `до срока задачи, ${seconds(Date.parse(String(d.dueAt)) - Date.parse(entry.at))}`
      return `  ⏱ Пошёл срок ${String(d.ruleId)} · ${String(d.entity)} #${String(d.entityId)}: ${when}`
    }
    case 'clock.stopped': {
      if (!shown.clocks) return undefined
      const clock = await h.store.clocks.get(Number(d.clockId))
      return `  ⏱ Срок ${String(d.ruleId)} · ${clock?.entity ?? ''} #${clock?.entityId ?? ''} остановлен: ${OUTCOMES[String(d.outcome)] ?? String(d.outcome)}, прошло ${seconds(Number(d.elapsedMs))}`
    }
    case 'violation.resolved':
      return `  ✔ Нарушение #${String(d.violationId)} (${String(d.ruleId)}) закрыто: ${String(d.resolution)}`
    default:
      return undefined
  }
}
