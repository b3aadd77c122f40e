// Rule settings: the defaults of rules/defaults.ts, overridden by RULES_FILE, validated with zod.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { RULE_IDS, type RuleSettings } from '../rules/catalogue.js'
import { DEFAULT_RULES_CONFIG } from '../rules/defaults.js'
import { MODES } from '../rules/types.js'
import { ConfigError } from './errors.js'

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/** Milliseconds of an ISO-8601 duration such as PT15M or P1DT2H; undefined if it is not one. */
export function parseDuration(value: string): number | undefined {
  const match = ISO_DURATION.exec(value)
  if (!match || value === 'P' || value.endsWith('T')) return undefined
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0))
  return ((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 + (seconds ?? 0) * 1000
}

const duration = z.string().transform((value, ctx) => {
  if (value.startsWith('-')) {
    ctx.addIssue({ code: 'custom', message: `must not be negative (got "${value}")` })
    return z.NEVER
  }
  const ms = parseDuration(value)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 duration such as PT15M or P1D (got "${value}")` })
    return z.NEVER
  }
  return ms
})

const common = {
  mode: z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` }),
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).nullable().default(null),
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

const schema = z.strictObject({
  supervisors: z.record(z.string().regex(/^\d+$/), z.string().regex(/^\d+$/, 'must be a user id')),
  legalForms: z.array(z.strictObject({ short: z.string().min(1), full: z.array(z.string().min(1)) })).min(1),
  notifications: z.strictObject({
    digest: z
      .strictObject({ limit: z.number().int('must be a whole number').min(1, 'must be at least 1'), window: duration })
      .transform(({ limit, window }) => ({ limit, windowMs: window })),
  }),
  rules: z.strictObject({
    'LEAD-COMPANY-NAME': z.strictObject({ ...common }),
    'LEAD-TITLE': z
      .strictObject({ ...common, escalateAfter: duration, defaultTitles: z.array(regex) })
      .transform(({ escalateAfter, ...rest }) => ({ ...rest, escalateAfterMs: escalateAfter })),
    'LEAD-FIELDS': z.strictObject({ ...common, required: z.array(z.string().regex(/^[A-Z_]+(\|[A-Z_]+)*$/, 'must be FIELD or FIELD|FIELD')) }),
    'CLIENT-DUPLICATE': z.strictObject({ ...common }),
  }),
})

/** Settings for every portal: defaults overridden by `overrides` (RULES_FILE's JSON); throws ConfigError naming the bad setting. */
export function resolveRuleSettings(overrides: unknown, source = 'RULES_FILE'): RuleSettings {
  const merged = mergeDeep(DEFAULT_RULES_CONFIG, overrides ?? {})
  const parsed = schema.safeParse(merged)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    let path = issue?.path.map(String).join('.') ?? ''
    let message = issue?.message ?? 'is invalid'
    if (issue?.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? ''
      path = [path, key].filter(Boolean).join('.')
      message = path.startsWith('rules.') && path.split('.').length === 2 ? `is not a known rule (known: ${RULE_IDS.join(', ')})` : 'is not a known setting'
    }
    throw new ConfigError(`Invalid ${source}: ${path || '(root)'} ${message}`)
  }
  return parsed.data satisfies RuleSettings
}

/** Reads RULES_FILE (or nothing) into settings; a broken file stops start-up naming the path and the setting. */
export function loadRuleSettings(path: string | undefined): RuleSettings {
  if (!path) return resolveRuleSettings({})
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError(`Invalid RULES_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return resolveRuleSettings(json, `RULES_FILE ${path}`)
}

// Objects merge key by key; arrays and values replace.
function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) result[key] = mergeDeep(base[key], value)
  return result
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
