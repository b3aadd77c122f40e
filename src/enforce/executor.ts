// Sends planned actions to the portal: fixes (only the changed fields), notifications, timeline comments.
import type { Logger } from 'pino'
import { CATALOGUE, type RuleId } from '../../rules/catalogue.js'
import type { Text } from '../../rules/types.js'
import type { BatchCommands, PortalClients } from '../b24/index.js'
import type { Action } from '../store/actions.js'
import type { Store } from '../store/index.js'
import { PortalLanes } from '../sync/lanes.js'
import { languageOf, timelineComment } from './messages.js'
import { errorMessage } from '../shared/errors.js'
import { backoffDelay, MAX_RETRY_DELAY_MS } from '../shared/backoff.js'

/** What the executor needs. */
export interface ExecutorDeps {
  store: Store
  clients: PortalClients
  logger: Logger
  now: () => Date
  maxAttempts?: number
  retryBaseMs?: number
}

// Answers that will not change on a retry.
const FINAL_ERRORS = new Set(['USER_ID_EMPTY', 'MESSAGE_EMPTY', 'ACCESS_DENIED', 'NOT_FOUND', 'OWNER_NOT_FOUND', 'INVALID_ARG_VALUE', 'ERROR_CORE'])
const ACTIONS_PER_BATCH = 50

/** Drains the outbox per portal, one batch of up to 50 actions at a time. */
export class Executor extends PortalLanes {
  readonly #now: () => Date

  constructor(private readonly deps: ExecutorDeps) {
    super({ name: 'executor', logger: deps.logger, now: deps.now })
    this.#now = deps.now
  }

  /** Recovers what a crash left half-sent and resumes every portal with pending actions. */
  override start(): void {
    // A notification sent twice replaces itself (same TAG) and a fix is the same write; a comment would show twice.
    const interrupted = this.deps.store.actions.recoverInterrupted((action) => action.kind !== 'comment')
    if (interrupted.length > 0) this.deps.logger.warn({ count: interrupted.length }, 'actions interrupted by a restart recovered')
    super.start()
  }

  protected portalsWithWork(): string[] {
    return this.deps.store.actions.portalsWithWork()
  }

  protected nextRetryAt(after: Date): Date | undefined {
    return this.deps.store.actions.nextRetryAt(after)
  }

  protected async drain(memberId: string): Promise<void> {
    const { store } = this.deps
    while (!this.stopped && store.portals.get(memberId)?.status === 'active') {
      const actions = store.actions.claim(memberId, ACTIONS_PER_BATCH)
      if (actions.length === 0) return
      await this.#send(memberId, actions)
    }
  }

  async #send(memberId: string, actions: Action[]): Promise<void> {
    const { store, clients } = this.deps
    const client = clients.get(memberId)
    const commands: BatchCommands = {}
    for (const action of actions) {
      const payload = action.payload
      if (action.kind === 'fix') {
        // Remembered before the write, so the echo event is recognised however fast it comes.
        store.ownWrites.record(memberId, String(payload.entity), String(payload.entityId), payload.fields as Record<string, unknown>)
      }
      const command = commandFor(action)
      // With offline events on, the app's own fixes carry its auth_connector and are not queued back to it.
      commands[`a${action.id}`] = action.kind === 'fix' ? { ...command, params: client.writeParams(command.params) } : command
    }
    let outcome
    try {
      outcome = await client.batch(commands)
    } catch (error) {
      for (const action of actions) this.#failed(memberId, action, errorMessage(error), false)
      return
    }
    store.transaction(() => {
      for (const action of actions) {
        const error = outcome.errors[`a${action.id}`]
        const result = outcome.results[`a${action.id}`]
        if (error) this.#failed(memberId, action, `${error.error || 'error'}: ${error.description}`, FINAL_ERRORS.has(error.error))
        else if (action.kind === 'notify' && result === false) this.#failed(memberId, action, 'the portal did not deliver the notification (unknown user?)', true)
        else this.#succeeded(memberId, action)
      }
    })
  }

  #succeeded(memberId: string, action: Action): void {
    const { store } = this.deps
    const payload = action.payload
    store.actions.done(action.id)
    if (action.kind === 'notify') {
      const folded = Array.isArray(payload.lines) ? { digest: payload.lines.length } : {}
      store.journal.append(memberId, 'notified', { violationId: payload.violationId, userId: payload.userId, ...folded })
      return
    }
    if (action.kind === 'comment') {
      store.journal.append(memberId, 'comment.added', { violationId: payload.violationId, entity: payload.entity, entityId: payload.entityId })
      return
    }
    const violationId = Number(payload.violationId)
    store.violations.resolve(violationId, 'fixed by the app')
    store.journal.append(memberId, 'fix.applied', { violationId, entity: payload.entity, entityId: payload.entityId, fields: payload.fields })
    // The comment follows the fix only once the fix is in the portal.
    const portal = store.portals.get(memberId)
    const ruleId = String(payload.ruleId) as RuleId
    const comment = timelineComment(languageOf(portal?.language ?? null), ruleId, CATALOGUE[ruleId].title, payload.describe as Text)
    store.actions.plan(memberId, `v${violationId}:comment`, 'comment', {
      violationId, entity: payload.entity, entityId: payload.entityId, comment,
    })
  }

  #failed(memberId: string, action: Action, error: string, final: boolean): void {
    const { store, logger } = this.deps
    const maxAttempts = this.deps.maxAttempts ?? 6
    if (final || action.attempts >= maxAttempts) {
      store.actions.fail(action.id, error)
      store.journal.append(memberId, 'action.failed', { key: action.key, kind: action.kind, error })
      logger.error({ memberId, key: action.key, error }, 'action failed')
      return
    }
    const delay = backoffDelay(action.attempts, this.deps.retryBaseMs ?? 5_000, MAX_RETRY_DELAY_MS)
    store.actions.retry(action.id, error, new Date(this.#now().getTime() + delay))
    logger.warn({ memberId, key: action.key, error, delay }, 'action will be retried')
  }
}

/** The REST call that carries out an action. */
function commandFor(action: Action): { method: string; params: Record<string, unknown> } {
  const payload = action.payload
  if (action.kind === 'notify') {
    // The TAG makes a resend replace the first one instead of showing twice (im.notify.system.add docs).
    return { method: 'im.notify.system.add', params: { USER_ID: payload.userId, MESSAGE: payload.message, TAG: `rules|${action.key}` } }
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
