// Rule settings: the defaults of rules/defaults.ts, overridden by RULES_FILE, validated with zod.
import { readFileSync } from 'node:fs'
import cron from 'node-cron'
import { z } from 'zod'
import { isCivilDate, WEEKDAYS } from '../../rules/calendar/civil-date.js'
import { parseSpan } from '../../rules/calendar/hours.js'
import { isTimeZone } from '../../rules/calendar/time-zone.js'
import { RULE_IDS, type RuleSettings } from '../../rules/catalogue.js'
import { DEFAULT_RULES_CONFIG } from '../../rules/defaults.js'
import { MODES } from '../../rules/types.js'
import { ConfigError } from '../shared/app-error.js'
import { errorMessage } from '../shared/errors.js'
import { isRecord } from '../shared/records.js'
import { firstIssue } from '../shared/zod-issues.js'
import { parseDuration, parseIsoDuration } from './durations.js'

// A duration in the file: not negative, ISO 8601; `read` turns the text into what the setting keeps.
const isoDuration = <T>(read: (value: string) => T | undefined) => z.string().transform((value, ctx) => {
  if (value.startsWith('-')) {
    ctx.addIssue({ code: 'custom', message: `must not be negative (got "${value}")` })
    return z.NEVER
  }
  const parsed = read(value)
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 duration such as PT15M or P1D (got "${value}")` })
    return z.NEVER
  }
  return parsed
})

// Milliseconds, a day being 24 hours: windows, tolerances, the reports' history.
const duration = isoDuration(parseDuration)
// A deadline's time: days kept whole, so that in working time P3D is three working days (not 72 working hours).
const allowedTime = isoDuration(parseIsoDuration)

const common = {
  mode: z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` }),
  // A moment, "all" for every record, or null (the default) for records created after the install.
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).or(z.literal('all')).nullable().default(null),
  sources: z.array(z.string().min(1)).default([]),
  pipelines: z.array(z.string().min(1)).default([]),
  departments: z.array(z.string().min(1)).default([]),
}

const regex = z.string().refine((pattern) => {
  try {
    new RegExp(pattern, 'iu')
    return true
  } catch {
    return false
  }
}, 'must be a valid regular expression')

const span = z.string().transform((value, ctx) => {
  const parsed = parseSpan(value)
  if (parsed) return parsed
  ctx.addIssue({ code: 'custom', message: `must be working hours HH:MM-HH:MM such as 09:00-18:00 (got ${JSON.stringify(value)})` })
  return z.NEVER
})

// A string that passes `test`; the message quotes the bad value.
function checked(test: (value: string) => boolean, message: string) {
  return z.string().superRefine((value, ctx) => {
    if (!test(value)) ctx.addIssue({ code: 'custom', message: `${message} (got ${JSON.stringify(value)})` })
  })
}

// A warning point: a share of the allowed time ("80%") or a lead before the deadline ("PT5M").
const warnPoint = z.string().transform((value, ctx) => {
  const share = /^(\d+(?:\.\d+)?)%$/.exec(value)
  if (share) {
    const percent = Number(share[1])
    if (percent > 0 && percent < 100) return { share: percent / 100 }
    ctx.addIssue({ code: 'custom', message: `must be a share between 0% and 100% (got ${JSON.stringify(value)})` })
    return z.NEVER
  }
  const ms = value.startsWith('-') ? undefined : parseDuration(value)
  if (ms !== undefined && ms > 0) return { beforeMs: ms }
  ctx.addIssue({ code: 'custom', message: `must be a share such as "80%" or a positive duration before the deadline such as "PT5M" (got ${JSON.stringify(value)})` })
  return z.NEVER
})

// What every rule with a deadline takes: the allowed time, warnings, the escalation ladder, working time or every minute.
const clockFields = {
  warnAt: z.array(warnPoint),
  escalate: z.array(allowedTime),
  time: z.enum(['working', '24/7'], { error: 'must be "working" or "24/7"' }),
}
const clocked = z.strictObject({ ...common, ...clockFields, within: allowedTime })

// Pipeline → stage → limit; a stage of pipeline N is "C<N>:…", of the general pipeline 0 has no prefix.
const stageLimits = z.record(z.string().regex(/^\d+$/, 'must be a pipeline id (CATEGORY_ID)'), z.record(z.string().min(1), allowedTime))
  .superRefine((limits, ctx) => {
    for (const [category, stages] of Object.entries(limits)) {
      for (const stage of Object.keys(stages)) {
        const prefix = /^C(\d+):/.exec(stage)?.[1] ?? '0'
        if (prefix === category) continue
        const expected = category === '0' ? 'a stage id without a C<N>: prefix, such as NEW' : `a stage id such as C${category}:NEW`
        ctx.addIssue({ code: 'custom', path: [category, stage], message: `is not a stage of pipeline ${category} (expected ${expected})` })
      }
    }
  })

const userId = z.string().regex(/^\d+$/, 'must be a user id')

const cronExpression = checked((value) => cron.validate(value), 'must be a cron expression such as "0 9 * * 1" (Monday 09:00)')

const planFigure = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').nullable().default(null)

const civilDate = checked(isCivilDate, 'must be a date YYYY-MM-DD')

const weekday = z.string().transform((value, ctx) => {
  const parsed = value === 'off' ? null : parseSpan(value)
  if (parsed !== undefined) return parsed
  ctx.addIssue({ code: 'custom', message: `must be "off" or working hours HH:MM-HH:MM such as 09:00-18:00 (got ${JSON.stringify(value)})` })
  return z.NEVER
})

const week = z.strictObject({ mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekday, sun: weekday })

// "24/7" or a week; parsed by hand so a bad weekday is named (a union would only say "invalid input").
const hours = z.unknown().transform((value, ctx) => {
  if (value === '24/7') return '24/7' as const
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `must be "24/7" or hours per weekday such as {"mon": "09:00-18:00"} (got ${JSON.stringify(value)})` })
    return z.NEVER
  }
  const parsed = week.safeParse(value)
  if (parsed.success) return parsed.data
  const { path, message, unknownKey: key } = firstIssue(parsed.error)
  ctx.addIssue({ code: 'custom', path: [...path, ...(key === undefined ? [] : [key])], message: key === undefined ? message : `is not a weekday (${WEEKDAYS.join(', ')})` })
  return z.NEVER
})

const calendar = z
  .strictObject({
    timeZone: checked(isTimeZone, 'must be an IANA time zone such as Europe/Moscow').nullable().default(null),
    hours,
    country: checked((value) => /^([a-z]{2}|none)$/.test(value), 'must be a two-letter country code such as ru, or none').nullable().default(null),
    daysOff: z.array(civilDate),
    // A working day is {"date", "hours"?} or just its date.
    workingDays: z.array(
      z.preprocess((value) => (typeof value === 'string' ? { date: value } : value), z.strictObject({ date: civilDate, hours: span.nullable().default(null) })),
    ),
  })
  .superRefine((value, ctx) => {
    value.workingDays.forEach(({ date }, index) => {
      if (value.daysOff.includes(date)) ctx.addIssue({ code: 'custom', path: ['workingDays', index, 'date'], message: `is also in calendar.daysOff (got "${date}")` })
    })
  })

const schema = z.strictObject({
  calendar,
  supervisors: z.record(z.string().regex(/^\d+$/), z.string().regex(/^\d+$/, 'must be a user id')),
  legalForms: z.array(z.strictObject({ short: z.string().min(1), full: z.array(z.string().min(1)) })).min(1),
  notifications: z.strictObject({
    digest: z
      .strictObject({ limit: z.number().int('must be a whole number').min(1, 'must be at least 1'), window: duration })
      .transform(({ limit, window }) => ({ limit, windowMs: window })),
  }),
  reports: z
    .strictObject({
      history: duration,
      language: z.enum(['ru', 'en'], { error: 'must be "ru", "en" or null (the portal’s language)' }).nullable(),
      weekly: cronExpression.nullable(),
      monthly: cronExpression.nullable(),
      plans: z.record(userId, z.strictObject({ created: planFigure, converted: planFigure })),
    })
    .transform(({ history, ...rest }) => ({ ...rest, historyMs: history })),
  rules: z.strictObject({
    'LEAD-COMPANY-NAME': z.strictObject({ ...common }),
    'LEAD-TITLE': z
      .strictObject({ ...common, escalateAfter: allowedTime, time: clockFields.time, defaultTitles: z.array(regex) }),
    'LEAD-FIELDS': z.strictObject({ ...common, required: z.array(z.string().regex(/^[A-Z_]+(\|[A-Z_]+)*$/, 'must be FIELD or FIELD|FIELD')) }),
    'CLIENT-DUPLICATE': z.strictObject({ ...common }),
    'LEAD-DISPATCH-SLA': clocked.extend({
      officeManagers: z.strictObject({ users: z.array(z.string().regex(/^\d+$/, 'must be a user id')), departments: z.array(z.string().regex(/^\d+$/, 'must be a department id')) }),
    }),
    'LEAD-CONTACT-SLA': clocked,
    'DEAL-NEXT-STEP': clocked.extend({ pausedStages: z.array(z.string().min(1)) }),
    'DEAL-STAGE-STUCK': z.strictObject({ ...common, ...clockFields, limits: stageLimits }),
    'TASK-FEEDBACK-SLA': clocked,
    'TASK-OVERDUE': z.strictObject({ ...common, escalate: clockFields.escalate, time: clockFields.time }),
    'TASK-PREFIX': z.strictObject({
      ...common,
      forms: z.array(z.strictObject({
        text: z.string().regex(/\p{L}/u, 'must contain a letter'),
        at: z.enum(['start', 'anywhere'], { error: 'must be "start" or "anywhere"' }),
        name: z.strictObject({ ru: z.string().min(1, 'must not be empty'), en: z.string().min(1, 'must not be empty') }),
      })).min(1, 'must name at least one form'),
      exemptCreators: z.array(userId),
      exemptGroups: z.array(z.string().regex(/^\d+$/, 'must be a group id')),
      exemptCrmBound: z.boolean({ error: 'must be true or false' }),
    }),
    'TASK-PR-FORM': z
      .strictObject({
        ...common,
        prefix: z.string().regex(/\p{L}/u, 'must contain a letter'),
        deadlineDays: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'),
        tolerance: duration,
      })
      .transform(({ tolerance, ...rest }) => ({ ...rest, toleranceMs: tolerance })),
    'TASK-OBSERVER': z.strictObject({
      ...common,
      creatorMayObserve: z.boolean({ error: 'must be true or false' }),
      allowed: z.array(z.string().regex(/^\d+$/, 'must be a user id')),
    }),
    'TASK-DEADLINE': z
      .strictObject({
        ...common,
        maxDays: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'),
        tolerance: duration,
        time: clockFields.time,
        exemptReports: z.boolean({ error: 'must be true or false' }),
      })
      .transform(({ tolerance, ...rest }) => ({ ...rest, toleranceMs: tolerance })),
    'TASK-ONE-RESPONSIBLE': z
      .strictObject({ ...common, window: duration })
      .transform(({ window, ...rest }) => ({ ...rest, windowMs: window })),
  }),
})

/** Settings checked: the settings, or the first bad setting's path (`rules.LEAD-CONTACT-SLA.within`) and what is wrong. */
export type CheckedSettings = { ok: true; settings: RuleSettings } | { ok: false; path: string; message: string }

/** The defaults in RULES_FILE's JSON form with each of `layers` over them in turn (RULES_FILE's, a portal's own). */
export function mergedRulesConfig(...layers: unknown[]): Record<string, unknown> {
  return layers.reduce<unknown>((base, layer) => mergeDeep(base, layer ?? {}), DEFAULT_RULES_CONFIG) as Record<string, unknown>
}

/** What of `value` differs from `base`, key by key (arrays and values whole): the overrides that make `base` into `value`. */
export function configDiff(base: unknown, value: unknown): unknown {
  // A setting left at its default (null, none) is no override.
  if (base === undefined && (value === null || (Array.isArray(value) && value.length === 0))) return undefined
  if (!isRecord(base) || !isRecord(value)) return JSON.stringify(base) === JSON.stringify(value) ? undefined : value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const differs = configDiff(base[key], item)
    if (differs !== undefined) out[key] = differs
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/** The defaults overridden by each of `layers` in turn (RULES_FILE's JSON, then a portal's own), checked. */
export function checkRuleSettings(...layers: unknown[]): CheckedSettings {
  const parsed = schema.safeParse(mergedRulesConfig(...layers))
  if (parsed.success) return { ok: true, settings: parsed.data satisfies RuleSettings }
  const issue = firstIssue(parsed.error)
  let path = issue.path.join('.')
  let message = issue.message
  if (issue.unknownKey !== undefined) {
    path = [path, issue.unknownKey].filter(Boolean).join('.')
    message = path.startsWith('rules.') && path.split('.').length === 2 ? `is not a known rule (known: ${RULE_IDS.join(', ')})` : 'is not a known setting'
  }
  return { ok: false, path: path || '(root)', message }
}

/** Settings for every portal: defaults overridden by `overrides` (RULES_FILE's JSON); throws ConfigError naming the bad setting. */
export function resolveRuleSettings(overrides: unknown, source = 'RULES_FILE'): RuleSettings {
  const checked = checkRuleSettings(overrides)
  if (!checked.ok) throw new ConfigError(`Invalid ${source}: ${checked.path} ${checked.message}`)
  return checked.settings
}

/** RULES_FILE's JSON (or nothing): what every portal's settings start from; a broken file stops start-up naming the path and the setting. */
export function loadRulesFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {}
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError(`Invalid RULES_FILE ${path}: ${errorMessage(error)}`)
  }
  resolveRuleSettings(json, `RULES_FILE ${path}`)
  return json as Record<string, unknown>
}

// Objects merge key by key; arrays and values replace.
function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) result[key] = mergeDeep(base[key], value)
  return result
}

