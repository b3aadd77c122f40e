// The client of one portal: every REST call goes through the SDK, the portal's bucket and the retry policy.
import { setTimeout as sleep } from 'node:timers/promises'
import type { B24OAuth } from '@bitrix24/b24jssdk'
import type { Logger } from 'pino'
import type { AsyncLocalStorage } from 'node:async_hooks'
import { B24Error } from './b24-error.js'
import { type BatchCommands, type BatchOutcome, chunkKeys, encodeCommands, readBatchAnswer } from './batch.js'
import { errorFromBody, operatingResetAtOf, toB24Error } from './error-mapping.js'
import { keysetPages, type ListOptions } from './list.js'
import { PortalBudget } from './portal-budget.js'
import { type Redirect, redirectRefused } from './redirects.js'
import { isIdempotent, isRateLimited, retryDelay } from './retry-policy.js'
import { createSdkInstance, type EnvelopeSlot } from './sdk-instance.js'
import { TokenRefresher } from './token-refresher.js'
import { type ClientOptions, DEFAULT_RETRY, type PortalCredentials, RATE_BUDGETS, type RateBudget, type RetryOptions } from './types.js'

/** One page of a list method: its result plus the portal's `total` and `next` when it sent them. */
export interface Page<T> {
  result: T
  total?: number
  next?: number
}

interface Envelope {
  result: unknown
  total?: unknown
  next?: unknown
  time?: { operating_reset_at?: unknown }
}

/** One client per portal, shared by everything that talks to it; it keeps the portal's rate budget and token pair. */
export class PortalClient {
  readonly memberId: string
  /** The offline source key the app's own writes carry on this portal, or null (see write()). */
  readonly authConnector: string | null
  readonly #sdk: B24OAuth
  readonly #envelopes: AsyncLocalStorage<EnvelopeSlot>
  readonly #bucket: PortalBudget
  readonly #retry: RetryOptions
  readonly #logger: Logger
  readonly #now: () => Date
  // Unix ms at which each method's operating budget frees up, from the portal's `time` blocks.
  readonly #operatingResetAt = new Map<string, number>()

  constructor(credentials: PortalCredentials, options: ClientOptions) {
    this.memberId = credentials.memberId
    this.authConnector = options.authConnector ?? null
    this.#logger = options.logger
    this.#now = options.now
    this.#retry = options.retry ?? DEFAULT_RETRY
    this.#bucket = new PortalBudget(options.budget ?? RATE_BUDGETS.standard, { memberId: credentials.memberId, logger: options.logger, shared: options.sharedBudget })
    const refresher = new TokenRefresher(credentials, { ...options, memberId: credentials.memberId })
    const instance = createSdkInstance(credentials, { ...options, refresher, bucket: this.#bucket })
    this.#sdk = instance.sdk
    this.#envelopes = instance.envelopes
  }

  /** Calls `method` and returns its `result`; throws B24Error once retries are spent or the error is final. */
  async call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const envelope = await this.#send(method, params, isIdempotent(method))
    return envelope.result as T
  }

  /**
   * Calls a method that changes the portal, as the app's own write. Every change the app makes
   * (rules' fixes such as `crm.lead.update`) goes through here, or through writeParams() inside a batch:
   * with the portal's `auth_connector` "Bitrix24 will not record in the queue the change initiated by
   * the application itself" (api-reference/events/offline-events.md#how-to-avoid-cycles). Online
   * events still fire for it; the worker's own-write memory recognises those.
   */
  async write<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.call<T>(method, this.writeParams(params))
  }

  /** `params` with the portal's `auth_connector` added when it has one: for writes inside a batch. */
  writeParams(params: Record<string, unknown>): Record<string, unknown> {
    return this.authConnector === null ? params : { ...params, auth_connector: this.authConnector }
  }

  /** Like call, plus the `total` and `next` a v2 list method sends alongside its result. */
  async callPage<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<Page<T>> {
    const envelope = await this.#send(method, params, isIdempotent(method))
    const page: Page<T> = { result: envelope.result as T }
    if (typeof envelope.total === 'number') page.total = envelope.total
    if (typeof envelope.next === 'number') page.next = envelope.next
    return page
  }

  /** Runs any number of commands 50 per request with halt=0; every key ends up in `results` or `errors`. Throws B24Error when a whole request fails (earlier chunks have then run). */
  async batch(commands: BatchCommands): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { results: {}, errors: {} }
    for (const keys of chunkKeys(commands)) {
      // Resent after a timeout only when no command in it creates or notifies.
      const idempotent = keys.every((key) => isIdempotent(commands[key]?.method ?? ''))
      const envelope = await this.#send('batch', { halt: 0, cmd: encodeCommands(commands, keys) }, idempotent)
      readBatchAnswer(envelope.result, keys, outcome)
    }
    return outcome
  }

  /** Every record matching `params.filter`, page by page in ascending id order (keyset paging, start=-1). */
  list<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, opts: ListOptions = {}): AsyncGenerator<T[]> {
    return keysetPages<T>((name, pageParams) => this.call(name, pageParams), method, params, opts)
  }

  /** Switches the portal's rate budget, e.g. to Enterprise once app.info says LICENSE_FAMILY 'ent'. */
  setBudget(budget: RateBudget): void {
    this.#bucket.setBudget(budget)
  }

  async #send(method: string, params: Record<string, unknown>, idempotent: boolean): Promise<Envelope> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(method, params)
      } catch (caught) {
        const error = toB24Error(caught, method)
        if (isRateLimited(error)) await this.#bucket.markFull()
        const operatingResetAt = operatingResetAtOf(caught) ?? this.#operatingResetAt.get(method)
        const delayMs = retryDelay(error, { idempotent, attempt, retry: this.#retry, operatingResetAt, now: this.#now().getTime() })
        if (delayMs === undefined) throw error
        this.#logger.warn({ memberId: this.memberId, method, code: error.code, httpStatus: error.httpStatus, attempt, delayMs }, 'Bitrix24 call failed; retrying')
        await sleep(delayMs)
      }
    }
  }

  async #attempt(method: string, params: Record<string, unknown>): Promise<Envelope> {
    const slot: EnvelopeSlot = {}
    let answer: Awaited<ReturnType<B24OAuth['actions']['v2']['call']['make']>> | undefined
    let thrown: unknown
    try {
      answer = await this.#envelopes.run(slot, () => this.#sdk.actions.v2.call.make({ method, params }))
    } catch (error) {
      thrown = error
    }
    if (slot.redirect) throw this.#refuseRedirect(method, slot.redirect)
    // A 2xx body decides the outcome itself; whatever the SDK made of it is bookkeeping.
    if (slot.answer) return this.#read(method, slot.answer.status, slot.answer.body)
    if (!answer) throw toB24Error(thrown, method)
    if (!answer.isSuccess) throw toB24Error(answer.getErrors().next().value, method)
    throw new B24Error({ method, code: 'UNEXPECTED_ANSWER', description: 'success reported without an answer body', httpStatus: answer.getStatus() })
  }

  // Logged here, where the portal and the method are known; only the target's host, never its path or a token.
  #refuseRedirect(method: string, redirect: Redirect): B24Error {
    this.#logger.warn({ memberId: this.memberId, method, httpStatus: redirect.status, targetHost: redirect.targetHost }, 'Bitrix24 answered with a redirect; not followed')
    return redirectRefused(method, redirect)
  }

  #read(method: string, status: number, body: unknown): Envelope {
    const refused = errorFromBody(body, status, method)
    if (refused) throw refused
    if (typeof body !== 'object' || body === null || !('result' in body)) {
      throw new B24Error({ method, code: 'UNEXPECTED_ANSWER', description: 'the answer has no result', httpStatus: status })
    }
    const envelope = body as Envelope
    this.#noteOperating(method, envelope.time)
    return envelope
  }

  #noteOperating(method: string, time: Envelope['time']): void {
    const resetAt = Number(time?.operating_reset_at)
    if (Number.isFinite(resetAt) && resetAt > 0) this.#operatingResetAt.set(method, resetAt * 1000)
  }
}
