// DEAL-STAGE-STUCK — "Stuck at a stage, the manager must find a way through; if not, ask the supervisor for help"
// (seed 004). A deal longer at one stage than that stage's limit for its pipeline: the responsible is told, then the supervisor.
import { demandOf, durationText, spanText, type ClockSettings, type Duration } from './clock.js'
import { isOpen, responsibleOf, text } from './record.js'
import type { Finding, RecordInput, Rule, RuleContext } from './types.js'

/** DEAL-STAGE-STUCK's own settings. */
export interface DealStageStuckSettings extends Omit<ClockSettings, 'within'> {
  /** Pipeline (CATEGORY_ID, '0' the general one) → stage (STAGE_ID) → the longest stay. */
  limits: Readonly<Record<string, Readonly<Record<string, Duration>>>>
}

/** The rule as the catalogue lists it. */
export const dealStageStuck: Rule<DealStageStuckSettings> = {
  id: 'DEAL-STAGE-STUCK',
  version: 1,
  title: { ru: 'Сделка не застряла на стадии', en: 'The deal is not stuck at a stage' },
  entities: ['deal'],
  check(record: RecordInput, context: RuleContext<DealStageStuckSettings>): Finding[] {
    if (!isOpen('deal', record.current)) return []
    const stage = text(record.current, 'STAGE_ID')
    const limit = context.settings.limits[text(record.current, 'CATEGORY_ID') || '0']?.[stage]
    if (limit === undefined) return []
    const responsibleId = responsibleOf('deal', record.current)
    const base = { ruleId: this.id, variant: stage, responsibleId }
    // When the deal reached the stage: its stage history (crm.stagehistory.list), else the portal's MOVED_TIME; a stage
    // change the app saw itself starts now.
    const moved = record.previous !== undefined && text(record.previous, 'STAGE_ID') !== stage
    const history = record.current.LAST_STAGE_MOVE as { STAGE_ID?: string; CREATED_TIME?: string } | null | undefined
    const entered = history?.STAGE_ID === stage ? history.CREATED_TIME : undefined
    const startedAt = moved ? undefined : entered || text(record.current, 'MOVED_TIME') || undefined
    if (!moved && startedAt === undefined) {
      const why = { ru: 'Неизвестно, когда сделка пришла на стадию: ни истории стадий, ни времени перехода.', en: 'When the deal reached its stage is unknown: no stage history, no move time.' }
      return [{ ...base, problem: why, todo: why, undecided: why }]
    }
    const since = startedAt === undefined ? context.now.getTime() : Date.parse(startedAt)
    const stayed = spanText(context.calendar.workingMinutesBetween(since, context.now))
    const allowed = durationText(limit, context.settings.time)
    return [{
      ...base,
      problem: { ru: `Сделка на стадии «${stage}» уже ${stayed.ru} (норма — ${allowed.ru}).`, en: `The deal has been at stage "${stage}" for ${stayed.en} (limit: ${allowed.en}).` },
      todo: {
        ru: 'Найдите, что мешает сделке двигаться дальше, и переведите её на следующую стадию; если не выходит — попросите помощи у руководителя.',
        en: 'Find what holds the deal back and move it on; if you cannot, ask your supervisor for help.',
      },
      clock: demandOf({ ...context.settings, within: limit }, startedAt),
    }]
  },
}
