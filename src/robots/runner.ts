// Works through the robot calls each portal stored: re-read the document, decide, plan, apply; the outbox answers.
import type { Logger } from 'pino'
import type { PortalClients } from '../b24/index.js'
import type { Enforcer } from '../enforce/enforcer.js'
import type { Hub } from '../enforce/hub.js'
import { PortalLanes } from '../ingest/lanes.js'
import type { WorkPlace } from '../jobs/engine.js'
import { backoffDelay, MAX_RETRY_DELAY_MS } from '../shared/backoff.js'
import { errorMessage } from '../shared/errors.js'
import type { StorePort } from '../store/port.js'
import { announcementsOf } from '../store/plan.js'
import type { PortalAbout } from '../store/portals.js'
import type { RobotCall } from '../store/robot-calls.js'
import { errorAnswer } from './answer.js'
import { answerCall, planOf } from './decide-call.js'
import { readDocument, type DocumentRead } from './read.js'
import { ROBOT_WORDS, say } from './words.js'

/** What the robots' runner needs. */
export interface RobotRunnerDeps {
  store: StorePort
  clients: PortalClients
  logger: Logger
  now: () => Date
  /** Its loader (settings, calendar, directory) and digest folding. */
  enforcer: Enforcer
  hub?: Hub
  /** Makes sure the portal's directory is known before a robot needs a supervisor (the directory sync). */
  directory?: (memberId: string) => Promise<unknown>
  /** Reads of a document before the step is answered with the error. */
  maxAttempts?: number
  retryBaseMs?: number
  /** Several instances: a portal's calls are answered where its job runs (src/jobs/engine.ts). */
  place?: WorkPlace | undefined
}

const CALLS_PER_ROUND = 20

/** One lane per portal over its stored robot calls; each call is decided once, in one transaction with its answer. */
export class RobotRunner extends PortalLanes {
  constructor(private readonly deps: RobotRunnerDeps) {
    super({ name: 'robots', logger: deps.logger, now: deps.now, place: deps.place })
  }

  protected portalsWithWork(): Promise<string[]> {
    return this.deps.store.robotCalls.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Promise<Date | undefined> {
    return this.deps.store.robotCalls.nextRetryAt(after)
  }

  protected async drain(memberId: string): Promise<void> {
    const { store } = this.deps
    while (!this.stopped) {
      const portal = await store.portals.about(memberId)
      // A portal that needs re-authorisation keeps its calls until it is installed again.
      if (!portal || portal.status !== 'active') return
      const calls = await store.robotCalls.due(memberId, CALLS_PER_ROUND)
      if (calls.length === 0) return
      for (const call of calls) await this.#run(portal, call)
    }
  }

  async #run(portal: PortalAbout, call: RobotCall): Promise<void> {
    const { store, clients, logger, enforcer, hub } = this.deps
    let read: DocumentRead | undefined
    let unreadable: string | undefined
    try {
      read = await readDocument(await clients.get(portal.memberId), call, call.code === 'company_name_fix')
      if (call.code === 'supervisor_notify') await this.deps.directory?.(portal.memberId)
    } catch (error) {
      unreadable = errorMessage(error)
      if (!(await this.#giveUp(call, unreadable))) return
    }
    const now = this.deps.now()
    const ctx = { store, loader: enforcer.loader, portal, now }
    const answer = read ? await answerCall(ctx, call, read) : errorAnswer(say(ROBOT_WORDS.unreadable, { document: call.documentId, error: unreadable ?? '' }))
    const plan = await enforcer.fold(planOf(call, answer, portal, now), portal, now)
    await store.apply(plan)
    logger.info({ memberId: portal.memberId, code: call.code, documentId: call.documentId, waits: call.waits }, 'robot call decided')
    hub?.announce(portal.memberId, [announcementsOf(plan)])
  }

  // A read that failed: tried again with backoff, until the attempts run out and the step is answered with the error.
  async #giveUp(call: RobotCall, error: string): Promise<boolean> {
    const attempts = call.attempts + 1
    if (attempts >= (this.deps.maxAttempts ?? 6)) return true
    const delay = backoffDelay(attempts, this.deps.retryBaseMs ?? 5_000, MAX_RETRY_DELAY_MS)
    await this.deps.store.robotCalls.retry(call.id, error, new Date(this.deps.now().getTime() + delay))
    this.deps.logger.warn({ memberId: call.memberId, code: call.code, attempts, delay, error }, 'robot call will be retried')
    return false
  }
}
