// The shape of a REST method implementation and the context it runs in.
import type { PortalState } from '../state.js'
import type { Params } from '../util.js'

/** What a method returns: `result`, plus `total`/`next` for list methods. */
export interface MethodResult {
  result: unknown
  total?: number
  next?: number
}

/** The caller of a method: the token's user, inside a batch or not. */
export interface CallContext {
  state: PortalState
  userId: number
  viaBatch: boolean
}

/** A REST method: synchronous, throws RestError for documented failures. */
export type Method = (ctx: CallContext, params: Params) => MethodResult

/** Methods by lower-case name. */
export type MethodTable = Record<string, Method>

/** Wraps a plain result. */
export function ok(result: unknown): MethodResult {
  return { result }
}

/** A list method's answer from a page: result items, total, and next when there is one. */
export function fromPage(page: { total: number; next?: number }, items: unknown): MethodResult {
  const out: MethodResult = { result: items, total: page.total }
  if (page.next !== undefined) out.next = page.next
  return out
}
