// Test harness: the fake portal and the app, both on 127.0.0.1, with a throw-away store.
import { createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'
import { systemClock } from '../../src/shared/clock.js'
import { openStore } from '../../src/store/index.js'
import { startFakePortal, type FakePortal, type FakePortalOptions } from '../fake-portal/index.js'
import { openTestStore, type TestStore } from './test-store.js'

/** The harness app's HEALTHZ_TOKEN. */
export const HEALTHZ_TOKEN = 'harness-healthz-token-0123456789'

/** A running pair of fake portal and app. */
export interface Harness {
  portal: FakePortal
  app: FastifyInstance
  store: TestStore
  config: Readonly<Config>
  /** The app's base URL, e.g. http://127.0.0.1:41234 */
  url: string
  close(): Promise<void>
}

/**
 * RULES_FILE's JSON for tests that run on the wall clock: `overrides` in a round-the-clock calendar unless they name
 * hours (a test at night would otherwise see every notice wait for the morning: quiet time). Checked at once.
 */
export function testSettings(overrides: { calendar?: object; [key: string]: unknown } = {}): Record<string, unknown> {
  const rules = { ...overrides, calendar: { hours: '24/7', ...overrides.calendar } }
  resolveRuleSettings(rules)
  return rules
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** The app's configuration beside `portal`, listening on `port` of 127.0.0.1; `env` overrides it. */
export function harnessConfig(portal: FakePortal, port: number, env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    B24_CLIENT_ID: portal.clientId,
    B24_CLIENT_SECRET: portal.clientSecret,
    B24_ALLOWED_HOSTS: '127.0.0.1',
    B24_TIMEOUT_MS: '5000',
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    HEALTHZ_TOKEN,
    // Events read as soon as they come (no wave window), as most tests expect; the wave tests set it.
    WORKER_QUIET_MS: '0',
    WORKER_MAX_WAIT_MS: '0',
    ...env,
  })
}

/** Starts a fake portal and the app wired to it; `env` overrides the app's environment. */
export async function startHarness(
  options: { portal?: FakePortalOptions; env?: Record<string, string>; app?: Partial<AppDeps> } = {},
): Promise<Harness> {
  const portal = await startFakePortal(options.portal)
  const config = harnessConfig(portal, await freePort(), options.env)
  // The app's clock serves its store too (a test that moves the clock moves both). A test that names a DATABASE_PATH
  // file reads that SQLite file itself; the others run on the test store (TEST_STORE).
  const now = options.app?.now ?? systemClock
  const store = config.databasePath === ':memory:' ? await openTestStore(now, config.tokenKey) : openStore(config.databasePath, now, config.tokenKey)
  const app = await buildApp(config, { store, schedule: false, rules: testSettings(), ...options.app, now })
  await app.listen({ port: config.port, host: config.host })
  return {
    portal,
    app,
    store,
    config,
    url: config.publicUrl,
    async close() {
      await app.close()
      await store.close()
      await portal.close()
    },
  }
}

/** A running pair on one clock the test moves: `later(ms)` jumps both clocks, lets the clock engine take what fell due, and settles. */
export interface MovedHarness extends Harness {
  /** The shared clock, epoch milliseconds. */
  now(): number
  later(ms: number): Promise<void>
}

/**
 * Starts the pair on one clock shared by the app and the portal, running with the wall clock and moved forward by the
 * test (deadlines fall due without sleeping), with `rules` (RULES_FILE's JSON); installs the app, lets its first sweep finish and
 * forgets the calls so far; `portal` are the fake portal's options (its language).
 */
export async function startOnMovedClock(rules: Record<string, unknown>, portal: FakePortalOptions = {}, env: Record<string, string> = {}): Promise<MovedHarness> {
  let offset = 0
  const now = () => Date.now() + offset
  const h = await startHarness({ portal: { ...portal, now }, env, app: { now: () => new Date(now()), rules } })
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  h.portal.clearCalls()
  return {
    ...h,
    now,
    async later(ms: number) {
      offset += ms
      // The outbox's retry timer counts wall time; moved on, what fell due goes as it would have.
      h.app.executor.wake(h.portal.memberId)
      await h.app.clocks.runDue()
      await settle(h)
    },
  }
}

/** Waits until the portal delivered every event and the app processed them and sent what they caused. */
export async function settle(h: Harness): Promise<void> {
  await settleUntil(h, async () => {
    // A digest waits for its window to close; a test that wants it waits for it (see waitForDigests).
    const actions = (await h.store.actions.inState(h.portal.memberId, 'pending')).filter((action) => action.payload.digest !== true)
    return (await h.store.inbox.stats(h.portal.memberId)).pending + actions.length
  })
}

/** As settle(), on any store: `pending` counts what is still to do (events, actions not waiting for a digest). */
export async function settleUntil(h: Pick<Harness, 'portal' | 'app'>, pending: () => number | Promise<number>): Promise<void> {
  for (let round = 0; round < 40; round++) {
    await h.portal.flushEvents()
    await h.app.sweeper.idle()
    await h.app.worker.idle()
    await h.app.robots.idle()
    await h.app.executor.idle()
    // What the app sent may come back as events.
    await h.portal.flushEvents()
    if ((await pending()) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('the app never settled')
}

/** Waits (up to `timeoutMs`) until every pending digest was sent, then settles. */
export async function waitForDigests(h: Harness, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while ((await h.store.actions.inState(h.portal.memberId, 'pending')).some((action) => action.payload.digest === true)) {
    if (Date.now() > until) throw new Error('a digest was never sent')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await settle(h)
}

/** POSTs a form body (already encoded) to the app and returns status and parsed JSON or text. */
export async function postForm(url: string, body: string, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body })
  const text = await response.text()
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json, headers: response.headers }
}

/** GET /healthz with the details (HEALTHZ_TOKEN), parsed. */
export async function healthOf(h: Harness): Promise<any> {
  const response = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })
  return response.json()
}
