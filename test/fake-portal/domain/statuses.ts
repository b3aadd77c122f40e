// Reference lists from crm.status.list: lead statuses, deal stages per pipeline, sources; semantics lookup.
import type { Store } from '../store.js'

type Semantic = 'P' | 'S' | 'F'
type StageSpec = [statusId: string, name: string, color: string, extra: 'process' | 'success' | 'failure' | 'apology']

const LEAD_STATUSES: StageSpec[] = [
  ['NEW', 'Не обработан', '#39A8EF', 'process'],
  ['IN_PROCESS', 'В работе', '#2FC6F6', 'process'],
  ['PROCESSED', 'Обработан', '#55D0E0', 'process'],
  ['CONVERTED', 'Качественный лид', '#7BD500', 'success'],
  ['JUNK', 'Некачественный лид', '#FF5752', 'failure'],
]

const DEAL_STAGES: StageSpec[] = [
  ['NEW', 'Новая', '#39A8EF', 'process'],
  ['PREPARATION', 'Подготовка документов', '#2FC6F6', 'process'],
  ['PREPAYMENT_INVOICE', 'Счёт на предоплату', '#55D0E0', 'process'],
  ['EXECUTING', 'В работе', '#47E4C2', 'process'],
  ['FINAL_INVOICE', 'Финальный счёт', '#FFA900', 'process'],
  ['WON', 'Сделка успешна', '#7BD500', 'success'],
  ['LOSE', 'Сделка провалена', '#FF5752', 'failure'],
  ['APOLOGY', 'Анализ причины провала', '#FF5752', 'apology'],
]

const PARTNER_STAGES: StageSpec[] = [
  ['NEW', 'Новая', '#39A8EF', 'process'],
  ['PREPARATION', 'Подготовка документов', '#2FC6F6', 'process'],
  ['EXECUTING', 'В работе', '#47E4C2', 'process'],
  ['WON', 'Сделка успешна', '#7BD500', 'success'],
  ['LOSE', 'Сделка провалена', '#FF5752', 'failure'],
]

const SOURCES: Array<[string, string]> = [
  ['CALL', 'Звонок'], ['EMAIL', 'Электронная почта'], ['WEB', 'Веб-сайт'], ['ADVERTISING', 'Реклама'],
  ['PARTNER', 'Существующий клиент'], ['RECOMMENDATION', 'По рекомендации'], ['TRADE_SHOW', 'Выставка'],
  ['WEBFORM', 'CRM-форма'], ['CALLBACK', 'Обратный звонок'], ['OTHER', 'Другое'],
]

/** The crm.status.list ENTITY_ID holding a pipeline's deal stages (crm-status-list.md). */
export function dealStageEntity(categoryId: number): string {
  return categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`
}

/** Fills the standard lead statuses, two deal pipelines and the sources. */
export function seedStatuses(store: Store): void {
  store.dealCategories.push(
    { id: 0, name: 'Общая', sort: 300, isDefault: 'Y' },
    { id: 1, name: 'Партнёрские продажи', sort: 200, isDefault: 'N' },
  )
  addStages(store, 'STATUS', LEAD_STATUSES, '', null)
  addStages(store, 'DEAL_STAGE', DEAL_STAGES, '', null)
  addStages(store, 'DEAL_STAGE_1', PARTNER_STAGES, 'C1:', '1')
  SOURCES.forEach(([statusId, name], index) => {
    const id = store.statuses.nextId()
    store.statuses.put(id, {
      ID: String(id), ENTITY_ID: 'SOURCE', STATUS_ID: statusId, NAME: name, NAME_INIT: name,
      SORT: String((index + 1) * 10), SYSTEM: 'Y', CATEGORY_ID: null, COLOR: null, SEMANTICS: null,
    })
  })
}

function addStages(store: Store, entityId: string, specs: StageSpec[], prefix: string, categoryId: string | null): void {
  specs.forEach(([statusId, name, color, extra], index) => {
    const id = store.statuses.nextId()
    const semantics = extra === 'success' ? 'S' : extra === 'process' ? null : 'F'
    store.statuses.put(id, {
      ID: String(id), ENTITY_ID: entityId, STATUS_ID: prefix + statusId, NAME: name, NAME_INIT: name,
      SORT: String((index + 1) * 10), SYSTEM: ['NEW', 'WON', 'LOSE', 'CONVERTED', 'JUNK'].includes(statusId) ? 'Y' : 'N',
      CATEGORY_ID: categoryId, COLOR: color, SEMANTICS: semantics, EXTRA: { SEMANTICS: extra, COLOR: color },
    })
  })
}

/** Status ids of an ENTITY_ID in SORT order. */
export function stageIds(store: Store, entityId: string): string[] {
  return store.statuses
    .all()
    .filter((row) => row.ENTITY_ID === entityId)
    .sort((a, b) => Number(a.SORT) - Number(b.SORT))
    .map((row) => String(row.STATUS_ID))
}

/** P, S or F for a status of an ENTITY_ID; null when the status does not exist there. */
export function semanticOf(store: Store, entityId: string, statusId: string): Semantic | null {
  const row = store.statuses.all().find((r) => r.ENTITY_ID === entityId && r.STATUS_ID === statusId)
  if (row === undefined) return null
  if (row.SEMANTICS === 'S') return 'S'
  if (row.SEMANTICS === 'F') return 'F'
  return 'P'
}

/** The pipeline a deal stage id belongs to (`C1:NEW` → 1, `NEW` → 0). */
export function categoryOfStage(stageId: string): number {
  const m = /^C(\d+):/.exec(stageId)
  return m ? Number(m[1]) : 0
}
