// The only reader of process.env: parses the environment once and hands out a frozen Config.
import { existsSync } from 'node:fs'
import { validate } from 'node-cron'
import { z } from 'zod'
import { ConfigError } from './shared/app-error.js'
import { deriveTokenKey, parseTokenKey, TOKEN_KEY_FORMAT } from './shared/token-key.js'
import { firstIssue } from './shared/zod-issues.js'

/** Bitrix24 cloud domains and OAuth servers the app talks to unless B24_ALLOWED_HOSTS says otherwise. */
export const DEFAULT_ALLOWED_HOSTS = [
  '*.bitrix24.ru', '*.bitrix24.by', '*.bitrix24.kz', '*.bitrix24.com', '*.bitrix24.de',
  '*.bitrix24.eu', '*.bitrix24.es', '*.bitrix24.fr', '*.bitrix24.it', '*.bitrix24.pl',
  '*.bitrix24.uk', '*.bitrix24.com.br', '*.bitrix24.in', '*.bitrix24.id', '*.bitrix24.vn',
  '*.bitrix24.jp', '*.bitrix24.cn', '*.bitrix24.com.tr', '*.bitrix24.site', '*.bitrix24.shop',
  'oauth.bitrix.info', 'oauth.bitrix24.tech',
]

const hostPattern = z
  .string()
  .regex(/^((\*\.)?[a-z0-9.-]+|\[[0-9a-f:.]+\])$/i, 'each host must look like "portal.bitrix24.ru", "*.bitrix24.ru" or "[::1]"')

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''))

// The token server hears the client secret: plain http only where it cannot leave the machine.
const httpsUrl = httpUrl.refine(
  (value) => new URL(value).protocol === 'https:' || isLoopbackHost(new URL(value).hostname),
  'must use https (http only for a loopback host: 127.0.0.0/8, localhost, [::1])',
)

const tokenKey = z
  .string()
  .transform((value, context) => parseTokenKey(value) ?? (context.addIssue({ code: 'custom', message: TOKEN_KEY_FORMAT }), z.NEVER))

// A PostgreSQL connection URL; what is wrong is said without repeating it (it may hold a password).
const databaseUrl = z.string().superRefine((value, context) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    context.addIssue({ code: 'custom', message: 'is not a URL: it must look like postgres://user:password@host:5432/database' })
    return
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    context.addIssue({ code: 'custom', message: `must start with postgres:// or postgresql:// (it starts with ${url.protocol}//)` })
  } else if (url.hostname === '' && !url.searchParams.has('host')) {
    context.addIssue({ code: 'custom', message: 'names no host: it must look like postgres://user:password@host:5432/database' })
  }
})

// Variables whose value an error message never repeats.
const SECRET_VARIABLES = new Set(['B24_CLIENT_SECRET', 'TOKEN_KEY', 'NEW_TOKEN_KEY', 'HEALTHZ_TOKEN', 'DATABASE_URL'])

const schema = z.object({
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: httpUrl.optional(),
  B24_CLIENT_ID: z.string().default(''),
  B24_CLIENT_SECRET: z.string().default(''),
  TOKEN_KEY: tokenKey.optional(),
  B24_OAUTH_URL: httpsUrl.optional(),
  B24_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map(allowListEntry).filter(Boolean) : DEFAULT_ALLOWED_HOSTS))
    .pipe(z.array(hostPattern).min(1, 'must name at least one host')),
  B24_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).max(120_000).default(30_000),
  WORKER_MAX_ATTEMPTS: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(6),
  WORKER_RETRY_BASE_MS: z.coerce.number({ error: 'must be a number' }).int().min(10).max(3_600_000).default(5_000),
  WORKER_QUIET_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(60_000).default(1_000),
  WORKER_MAX_WAIT_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(30_000),
  SWEEP_CRON: z.string().default('*/10 * * * *').refine(validate, 'must be a cron expression such as "*/10 * * * *"'),
  B24_OFFLINE_EVENTS: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }).default('off'),
  OFFLINE_DRAIN_CRON: z.string().default('* * * * *').refine(validate, 'must be a cron expression such as "* * * * *"'),
  HEALTHZ_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number({ error: 'must be a number' }).int().min(0).max(600_000).default(0),
  DATABASE_PATH: z.string().min(1).default('./data/app.db'),
  DATABASE_URL: databaseUrl.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RULES_FILE: z
    .string()
    .optional()
    .refine((path) => path === undefined || existsSync(path), 'file does not exist'),
})

/** The parsed, validated and frozen configuration of one running app. */
export interface Config {
  port: number
  host: string
  /** The address the portal reaches, without a trailing slash. */
  publicUrl: string
  clientId: string
  clientSecret: string
  /** The 32-byte key that seals the portals' tokens at rest: TOKEN_KEY, or derived from B24_CLIENT_SECRET (HKDF). */
  tokenKey: Buffer
  /** Where tokenKey came from, for messages. */
  tokenKeySource: 'TOKEN_KEY' | 'B24_CLIENT_SECRET'
  oauthUrl: string | undefined
  allowedHosts: readonly string[]
  timeoutMs: number
  /** Attempts at re-reading a record before its events are parked. */
  workerMaxAttempts: number
  /** The first retry delay of failed work; it doubles each attempt. */
  workerRetryBaseMs: number
  /** How long a burst of events is given to settle before its records are read: no event for `quietMs`, or `maxWaitMs` at most. */
  workerWave: Readonly<{ quietMs: number; maxWaitMs: number }>
  /** When to sweep for changes whose event never arrived (cron; default every 10 minutes). */
  sweepCron: string
  /** 'on': also bind offline events where the portal's plan allows them, and drain their queue. */
  offlineEvents: 'off' | 'on'
  /** When to drain the offline queue of every portal in offline mode (cron; default every minute). */
  offlineDrainCron: string
  /** Bearer token that unlocks the per-portal details of /healthz; without it only totals are served. */
  healthzToken: string | undefined
  /** How long /readyz answers 503 after a signal to stop before the server stops taking requests (behind a load balancer). */
  shutdownGraceMs: number
  databasePath: string
  /** PostgreSQL's connection URL: when set, the store is there instead of the SQLite file at databasePath. */
  databaseUrl: string | undefined
  logLevel: z.infer<typeof schema>['LOG_LEVEL']
  rulesFile: string | undefined
}

/** Parses an environment; throws ConfigError whose one-line message names the variable and the problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = schema.safeParse(blankless)
  if (!parsed.success) {
    const issue = firstIssue(parsed.error)
    const name = issue.path[0] ?? 'environment'
    const given = blankless[name] === undefined || SECRET_VARIABLES.has(String(name)) ? '' : ` (got "${blankless[name]}")`
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${given}`)
  }
  const e = parsed.data
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`,
    clientId: e.B24_CLIENT_ID,
    clientSecret: e.B24_CLIENT_SECRET,
    tokenKey: e.TOKEN_KEY ?? deriveTokenKey(e.B24_CLIENT_SECRET),
    tokenKeySource: e.TOKEN_KEY === undefined ? 'B24_CLIENT_SECRET' : 'TOKEN_KEY',
    oauthUrl: e.B24_OAUTH_URL,
    allowedHosts: Object.freeze([...e.B24_ALLOWED_HOSTS]),
    timeoutMs: e.B24_TIMEOUT_MS,
    workerMaxAttempts: e.WORKER_MAX_ATTEMPTS,
    workerRetryBaseMs: e.WORKER_RETRY_BASE_MS,
    workerWave: Object.freeze({ quietMs: e.WORKER_QUIET_MS, maxWaitMs: e.WORKER_MAX_WAIT_MS }),
    sweepCron: e.SWEEP_CRON,
    offlineEvents: e.B24_OFFLINE_EVENTS,
    offlineDrainCron: e.OFFLINE_DRAIN_CRON,
    healthzToken: e.HEALTHZ_TOKEN,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    rulesFile: e.RULES_FILE,
  })
}

/** `npm run rotate-key`'s new key, NEW_TOKEN_KEY; throws ConfigError with one line when it is missing or malformed. */
export function loadNewTokenKey(env: Record<string, string | undefined> = process.env): Buffer {
  const given = env.NEW_TOKEN_KEY ?? ''
  if (given === '') throw new ConfigError('Invalid configuration: NEW_TOKEN_KEY must be set to the new key (openssl rand -base64 32)')
  const key = parseTokenKey(given)
  if (!key) throw new ConfigError(`Invalid configuration: NEW_TOKEN_KEY ${TOKEN_KEY_FORMAT}`)
  return key
}

/** True when `host` (a hostname, no port) matches one of the allow-list patterns. */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase()
  return allowed.some((pattern) => {
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1
    return name === pattern
  })
}

/** True for a loopback host as URL.hostname spells it: 127.0.0.0/8, `localhost`, `[::1]` (or `::1`). */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase()
  if (name === 'localhost' || name === '[::1]' || name === '::1') return true
  return /^127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(name)
}

/** Why checkEndpoint refused an endpoint. */
export type EndpointRefusal = 'HOST_NOT_ALLOWED' | 'ENDPOINT_NOT_HTTPS' | 'ENDPOINT_INVALID'

/** checkEndpoint's verdict: the parsed URL, or a code and a sentence saying what is wrong with the endpoint. */
export type EndpointCheck = { ok: true; url: URL } | { ok: false; code: EndpointRefusal; reason: string }

/**
 * Accepts a portal's client_endpoint or a token server only when its host is on the allow-list and
 * it uses https; plain http only for an allowed loopback host (tests, the demo).
 */
export function checkEndpoint(endpoint: string, allowed: readonly string[]): EndpointCheck {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return { ok: false, code: 'ENDPOINT_INVALID', reason: `The endpoint "${endpoint}" is not a URL` }
  }
  const mustUseHttps = { ok: false, code: 'ENDPOINT_NOT_HTTPS', reason: `The endpoint "${endpoint}" must use https` } as const
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return mustUseHttps
  if (!isAllowedHost(url.hostname, allowed)) {
    return { ok: false, code: 'HOST_NOT_ALLOWED', reason: `The host "${url.hostname}" is not on the allow-list of portals (B24_ALLOWED_HOSTS)` }
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return mustUseHttps
  return { ok: true, url }
}

// One B24_ALLOWED_HOSTS entry, lower-cased; an IPv6 literal is bracketed as URL.hostname spells it.
function allowListEntry(entry: string): string {
  const host = entry.trim().toLowerCase()
  if (!host.includes(':')) return host
  try {
    return new URL(`http://${host.startsWith('[') ? host : `[${host}]`}/`).hostname
  } catch {
    return host
  }
}
