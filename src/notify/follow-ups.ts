// What follows a sent action: its own `then`, decided with it. Actions an earlier version queued carry none; for them
// the same follow-ups are derived here once (the upgrade path), so the executor itself never decides them.
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import type { Text } from '../../rules/types.js'
import type { Action } from '../store/actions.js'
import { languageOf, timelineComment } from './messages.js'
import type { FollowUp } from '../store/plan.js'

/** The follow-ups of a sent action, in the order they apply. */
export function followUpsOf(action: Action, portalLanguage: string | null): FollowUp[] {
  const payload = action.payload
  if (Array.isArray(payload.then)) return payload.then as FollowUp[]
  if (action.kind === 'notify') {
    const folded = Array.isArray(payload.lines) ? { digest: payload.lines.length } : {}
    return [{ op: 'journal', kind: 'notified', detail: { violationId: payload.violationId, userId: payload.userId, ...folded } }]
  }
  if (action.kind === 'comment') {
    return [{ op: 'journal', kind: 'comment.added', detail: { violationId: payload.violationId, entity: payload.entity, entityId: payload.entityId } }]
  }
  const violationId = Number(payload.violationId)
  const ruleId = String(payload.ruleId) as RuleId
  const comment = timelineComment(languageOf(portalLanguage), ruleId, CATALOGUE[ruleId].title, payload.describe as Text)
  return [
    { op: 'violation.resolve', id: violationId, resolution: 'fixed by the app' },
    { op: 'journal', kind: 'fix.applied', detail: { violationId, entity: payload.entity, entityId: payload.entityId, fields: payload.fields } },
    { op: 'action', key: `v${violationId}:comment`, kind: 'comment', priority: 'notice', payload: { violationId, entity: payload.entity, entityId: payload.entityId, comment } },
  ]
}
