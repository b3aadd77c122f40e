// «Проверить правила компании», «Исправить название компании» and «Сообщить руководителю»: answers about the record.
import type { BusinessCalendar } from '../../rules/calendar/business-calendar.js'
import { normalizeCompanyName } from '../../rules/company-name.js'
import { supervisorOf, userName, type Directory } from '../../rules/directory.js'
import type { LegalForm } from '../../rules/legal-forms.js'
import type { Text } from '../../rules/types.js'
import { quietUntil } from '../enforce/tell.js'
import type { Language } from '../notify/messages.js'
import { actionKey, type ActionKey } from '../store/plan.js'
import { answer, errorAnswer, propertyText, type RobotAnswer } from './answer.js'
import { ROBOT_WORDS, say } from './words.js'

/** A rule the record breaks now: its id and title, and what is wrong. */
export interface BrokenRule {
  ruleId: string
  title: Text
  problem: Text
}

/** complies (Y/N), violation_count (rules broken), violations (one line a rule, in the portal's language), rule_ids. */
export function checkAnswer(broken: readonly BrokenRule[], language: Language): RobotAnswer {
  const byRule = new Map<string, BrokenRule>()
  for (const rule of broken) if (!byRule.has(rule.ruleId)) byRule.set(rule.ruleId, rule)
  const lines = [...byRule.values()].map((rule) => `${rule.ruleId} «${rule.title[language]}»: ${rule.problem[language]}`)
  const ids = [...byRule.keys()]
  const log = ids.length === 0 ? ROBOT_WORDS.complies : say(ROBOT_WORDS.broken, { n: ids.length })
  const joined = { ru: [log.ru, ...lines].join('\n'), en: [log.en, ...lines].join('\n') }
  return answer({ complies: ids.length === 0 ? 'Y' : 'N', violation_count: ids.length, violations: lines.join('\n'), rule_ids: ids }, joined)
}

/** Where a record's company name is: a lead's COMPANY_TITLE, or the TITLE of a deal's company. */
export interface NameTarget {
  entity: 'lead' | 'company'
  id: string
  field: 'COMPANY_TITLE' | 'TITLE'
  name: string
}

/** LEAD-COMPANY-NAME's fix applied now (planned as a fix keyed `<key>:fix`): name_before, name_after, changed, left_for_person. */
export function nameFixAnswer(target: NameTarget | undefined, legalForms: readonly LegalForm[], key: ActionKey): RobotAnswer {
  if (!target || target.name.trim() === '') return answer({ name_before: '', name_after: '', changed: 'N', left_for_person: 'N' }, ROBOT_WORDS.noName)
  const { name } = target
  const verdict = normalizeCompanyName(name, legalForms)
  if (verdict.kind === 'ok') return answer({ name_before: name, name_after: name, changed: 'N', left_for_person: 'N' }, say(ROBOT_WORDS.nameOk, { name }))
  if (verdict.kind === 'unsure') {
    const log = { ru: say(ROBOT_WORDS.nameLeft, { name, reason: verdict.reason.ru }).ru, en: say(ROBOT_WORDS.nameLeft, { name, reason: verdict.reason.en }).en }
    return answer({ name_before: name, name_after: name, changed: 'N', left_for_person: 'Y' }, log)
  }
  const fields = { [target.field]: verdict.value }
  const describe = say(ROBOT_WORDS.nameFixed, { before: name, after: verdict.value })
  return answer({ name_before: name, name_after: verdict.value, changed: 'Y', left_for_person: 'N' }, describe, {
    steps: [{
      op: 'action', key: actionKey(key.owner, ...key.parts, 'fix'), priority: 'fix',
      payload: {
        kind: 'fix', violation: null, ruleId: 'LEAD-COMPANY-NAME', entity: target.entity, entityId: target.id, fields, describe,
        then: [{ op: 'journal', kind: 'robot.fixed', detail: { entity: target.entity, entityId: target.id, fields } }],
      },
    }],
  })
}

/** Who to tell and how: the record's responsible, the directory, and the message with the record's link. */
export interface NotifyInput {
  responsibleId: string | null
  directory: Directory
  supervisors: Readonly<Record<string, string>>
  /** A BB-code link to the record, and the record's line in a digest. */
  link: string
  calendar: BusinessCalendar
  now: Date
}

/** The supervisor `levels_up` levels above the responsible gets `message` with the link (digests, quiet time): notified, supervisor. */
export function notifyAnswer(properties: Readonly<Record<string, string | string[]>>, input: NotifyInput, key: ActionKey): RobotAnswer {
  const message = propertyText(properties, 'message').trim()
  if (message === '') return errorAnswer(ROBOT_WORDS.noMessage)
  const levels = Math.max(1, Math.min(10, Number.parseInt(propertyText(properties, 'levels_up'), 10) || 1))
  const { responsibleId, directory, supervisors } = input
  let supervisor: string | undefined = responsibleId ?? undefined
  for (let level = 0; level < levels && supervisor; level++) supervisor = supervisorOf(directory, supervisor, supervisors)
  if (!supervisor || supervisor === responsibleId) return answer({ notified: 'N', supervisor: '' }, ROBOT_WORDS.noSupervisor)
  const text = `${message}\n${input.link}`
  const step = {
    op: 'notice' as const,
    key: actionKey(key.owner, ...key.parts, 'notify', supervisor),
    payload: {
      kind: 'notify' as const, userId: supervisor, message: text, line: `${input.link}: ${message}`, violation: null, priority: 'notice' as const,
      notBefore: quietUntil(input.calendar, input.now, 'notice'), then: [{ op: 'journal' as const, kind: 'notified', detail: { userId: supervisor, robot: 'supervisor_notify' } }],
    },
  }
  const unknownUsers = directory.users.has(supervisor) ? [] : [supervisor]
  return answer({ notified: 'Y', supervisor: `user_${supervisor}` }, say(ROBOT_WORDS.notified, { name: userName(directory, supervisor) }), { steps: [step], unknownUsers })
}
