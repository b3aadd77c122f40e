// Sends planned actions to the portal — fixes (only the changed fields), notifications, timeline comments — and settles
// them: store.settle() marks each done, retried or failed and applies what was decided to follow it.
import type { Logger } from 'pino'
import type { BatchCommands, PortalClients } from '../b24/index.js'
import type { Action } from '../store/actions.js'
import type { StorePort } from '../store/port.js'
import { PortalLanes } from '../ingest/lanes.js'
import type { WorkPlace } from '../jobs/engine.js'
import type { SendResult } from '../store/settle.js'
import { alreadyDone, mayBeDone } from './already-done.js'
import { followUpsOf } from './follow-ups.js'
import { errorMessage } from '../shared/errors.js'
import { backoffDelay, MAX_RETRY_DELAY_MS } from '../shared/backoff.js'

/** What the executor needs. */
export interface ExecutorDeps {
  store: StorePort
  clients: PortalClients
  logger: Logger
  now: () => Date
  maxAttempts?: number
  retryBaseMs?: number
  /** Several instances: a portal's actions are sent where its job runs (src/jobs/engine.ts). */
  place?: WorkPlace | undefined
}

// Answers that will not change on a retry.
const FINAL_ERRORS = new Set(['USER_ID_EMPTY', 'MESSAGE_EMPTY', 'ACCESS_DENIED', 'NOT_FOUND', 'OWNER_NOT_FOUND', 'INVALID_ARG_VALUE', 'ERROR_CORE'])
const ACTIONS_PER_BATCH = 50

/** Drains the outbox per portal, one batch of up to 50 actions at a time. */
export class Executor extends PortalLanes {
  readonly #now: () => Date

  constructor(private readonly deps: ExecutorDeps) {
    super({ name: 'executor', logger: deps.logger, now: deps.now, place: deps.place })
    this.#now = deps.now
  }

  /**
   * Recovers what a crash left half-sent and resumes every portal with pending actions. With several instances another
   * live one may be sending: each portal's half-sent actions are recovered when its job is taken (recover(memberId)).
   */
  override async start(): Promise<void> {
    if (!this.deps.place) await this.recover()
    super.start()
  }

  /**
   * Sends again what was being sent when a process died (every portal's, or one portal's whose job this process just
   * took): a notification sent twice replaces itself (same TAG); a fix or a comment is first looked for on the portal
   * (already-done.ts), so neither is written twice.
   */
  async recover(memberId?: string): Promise<void> {
    const interrupted = await this.deps.store.actions.recoverInterrupted(() => true, memberId)
    if (interrupted.length > 0) this.deps.logger.warn({ count: interrupted.length, memberId }, 'actions interrupted by a restart recovered')
  }

  protected portalsWithWork(): Promise<string[]> {
    return this.deps.store.actions.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Promise<Date | undefined> {
    return this.deps.store.actions.nextRetryAt(after)
  }

  protected async drain(memberId: string): Promise<void> {
    const { store } = this.deps
    while (!this.stopped && (await store.portals.about(memberId))?.status === 'active') {
      const actions = await store.claimActions(memberId, ACTIONS_PER_BATCH)
      if (actions.length === 0) return
      await this.#send(memberId, actions)
    }
  }

  async #send(memberId: string, claimed: Action[]): Promise<void> {
    const { store, clients } = this.deps
    const client = await clients.get(memberId)
    const language = (await store.portals.about(memberId))?.language ?? null
    // What may have been done by an earlier try whose answer never came is looked for first, and not sent again if done.
    let done: Set<number>
    try {
      done = await alreadyDone(client, claimed.filter(mayBeDone))
    } catch (error) {
      await store.settle(memberId, claimed.map((action) => this.#failed(memberId, action, errorMessage(error), false)))
      return
    }
    const confirmed = claimed.filter((action) => done.has(action.id)).map((action): SendResult => ({ action, outcome: 'done', then: followUpsOf(action, language) }))
    const actions = claimed.filter((action) => !done.has(action.id))
    if (actions.length === 0) {
      await store.settle(memberId, confirmed)
      return
    }
    const commands: BatchCommands = {}
    for (const action of actions) {
      const payload = action.payload
      if (action.kind === 'fix') {
        // Remembered before the write, so the echo event is recognised however fast it comes.
        await store.ownWrites.record(memberId, String(payload.entity), String(payload.entityId), payload.fields as Record<string, unknown>)
      }
      const command = commandFor(action)
      // With offline events on, the app's own fixes carry its auth_connector and are not queued back to it.
      commands[`a${action.id}`] = action.kind === 'fix' ? { ...command, params: client.writeParams(command.params) } : command
    }
    let outcome
    try {
      outcome = await client.batch(commands)
    } catch (error) {
      await store.settle(memberId, [...confirmed, ...actions.map((action) => this.#failed(memberId, action, errorMessage(error), false))])
      return
    }
    await store.settle(memberId, [...confirmed, ...actions.map((action): SendResult => {
      const error = outcome.errors[`a${action.id}`]
      const result = outcome.results[`a${action.id}`]
      // A resent answer whose step already has it: the portal no longer takes the token (bizproc-event-send.md). Answered.
      if (error && action.kind === 'answer' && error.error === 'ACCESS_DENIED' && action.attempts > 1) return { action, outcome: 'done', then: followUpsOf(action, language) }
      if (error) return this.#failed(memberId, action, `${error.error || 'error'}: ${error.description}`, FINAL_ERRORS.has(error.error))
      if (action.kind === 'notify' && result === false) return this.#failed(memberId, action, 'the portal did not deliver the notification (unknown user?)', true)
      // What follows was decided with the action (a fix's violation resolved, its comment planned, the journal).
      return { action, outcome: 'done', then: followUpsOf(action, language) }
    })])
  }

  // Gives up (a final answer, or out of attempts) or retries later with backoff.
  #failed(memberId: string, action: Action, error: string, final: boolean): SendResult {
    const { logger } = this.deps
    const maxAttempts = this.deps.maxAttempts ?? 6
    if (final || action.attempts >= maxAttempts) {
      logger.error({ memberId, key: action.key, error }, 'action failed')
      return { action, outcome: 'failed', error }
    }
    const delay = backoffDelay(action.attempts, this.deps.retryBaseMs ?? 5_000, MAX_RETRY_DELAY_MS)
    logger.warn({ memberId, key: action.key, error, delay }, 'action will be retried')
    return { action, outcome: 'retry', error, at: new Date(this.#now().getTime() + delay) }
  }
}

/** The REST call that carries out an action. */
function commandFor(action: Action): { method: string; params: Record<string, unknown> } {
  const payload = action.payload
  if (action.kind === 'notify') {
    // The TAG makes a resend replace the first one instead of showing twice (im.notify.system.add docs).
    return { method: 'im.notify.system.add', params: { USER_ID: payload.userId, MESSAGE: payload.message, TAG: `rules|${action.key}` } }
  }
  if (action.kind === 'answer') {
    return { method: 'bizproc.event.send', params: { EVENT_TOKEN: payload.eventToken, RETURN_VALUES: payload.returnValues, LOG_MESSAGE: payload.logMessage } }
  }
  if (action.kind === 'fix') {
    return { method: `crm.${String(payload.entity)}.update`, params: { id: payload.entityId, fields: payload.fields } }
  }
  // crm.timeline.comment.add wants lower-case `fields` (crm 23.100.0+).
  return {
    method: 'crm.timeline.comment.add',
    params: { fields: { ENTITY_ID: payload.entityId, ENTITY_TYPE: payload.entity, COMMENT: payload.comment } },
  }
}
