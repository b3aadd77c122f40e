// The batch method (settings/how-to-call-rest-api/batch.md): up to 50 sequential sub-calls with $result references.
import { asCall } from './emit.js'
import { RestError, timeBlock } from './envelope.js'
import { parseForm } from './http.js'
import type { CallContext, MethodResult, MethodTable } from './methods/registry.js'
import { LOG_LIMIT } from './state.js'
import type { FakeCall } from './types.js'
import { isRecord, param, phpArray, pushBounded, str, yn, type Params } from './util.js'

const MAX_COMMANDS = 50
/** File upload/download methods and nested batch are "not allowed for batch usage". */
const NOT_IN_BATCH = new Set(['batch', 'disk.folder.uploadfile', 'disk.storage.uploadfile', 'disk.file.uploadversion'])
const REFERENCE = /\$(result_error|result_total|result_next|result_time|result)((?:\[[^\]]*\])+)/g

type Maps = Record<'result' | 'result_error' | 'result_total' | 'result_next' | 'result_time', Record<string, unknown>>

function lookup(maps: Maps, map: keyof Maps, path: string): unknown {
  const keys = [...path.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')
  let value: unknown = maps[map]
  for (const key of keys) {
    if (Array.isArray(value)) value = value[Number(key)]
    else if (isRecord(value)) value = value[key]
    else return undefined
  }
  return value
}

/** Replaces `$result[key][field]…` in every parameter value with what the earlier sub-call returned. */
function substitute(value: unknown, maps: Maps): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, maps))
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, maps)]))
  if (typeof value !== 'string' || !value.includes('$result')) return value
  const whole = new RegExp(`^${REFERENCE.source}$`).exec(value)
  if (whole) return lookup(maps, whole[1] as keyof Maps, whole[2] ?? '') ?? ''
  return value.replace(REFERENCE, (_, map: keyof Maps, path: string) => {
    const found = lookup(maps, map, path)
    return found === undefined || found === null || typeof found === 'object' ? '' : String(found)
  })
}

function commands(cmd: unknown): Array<[string, string]> {
  if (Array.isArray(cmd)) return cmd.map((c, i) => [String(i), str(c)])
  if (isRecord(cmd)) return Object.entries(cmd).map(([k, c]) => [k, str(c)])
  return []
}

/** Runs a batch for an authenticated caller; HTTP 200 with per-command results and errors. */
export function runBatch(ctx: CallContext, methods: MethodTable, params: Params): MethodResult {
  const { state } = ctx
  const halt = yn(param(params, 'halt')) === 'Y'
  const maps: Maps = { result: {}, result_error: {}, result_total: {}, result_next: {}, result_time: {} }
  for (const [index, [key, command]] of commands(param(params, 'cmd')).entries()) {
    const q = command.indexOf('?')
    const method = (q < 0 ? command : command.slice(0, q)).trim().toLowerCase()
    const subParams = substitute(q < 0 ? {} : parseForm(command.slice(q + 1)), maps) as Params
    const call: FakeCall = { at: state.now(), method, params: subParams, httpStatus: 200, viaBatch: true, userId: ctx.userId }
    pushBounded(state.calls, call, LOG_LIMIT)
    const started = state.now()
    try {
      const outcome = runOne(ctx, methods, method, subParams, index)
      maps.result[key] = outcome.result
      if (outcome.total !== undefined) maps.result_total[key] = outcome.total
      if (outcome.next !== undefined) maps.result_next[key] = outcome.next
      maps.result_time[key] = timeBlock(started, state.now(), state.cfg.offset)
    } catch (err) {
      if (!(err instanceof RestError)) throw err
      call.httpStatus = err.status
      call.error = err.code
      maps.result_error[key] = { error: err.code, error_description: err.description }
      if (halt) break
    }
  }
  return {
    result: {
      result: phpArray(maps.result),
      result_error: phpArray(maps.result_error),
      result_total: phpArray(maps.result_total),
      result_next: phpArray(maps.result_next),
      result_time: phpArray(maps.result_time),
    },
  }
}

function runOne(ctx: CallContext, methods: MethodTable, method: string, params: Params, index: number): MethodResult {
  if (index >= MAX_COMMANDS) throw new RestError(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded')
  if (NOT_IN_BATCH.has(method)) throw new RestError(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage')
  const fault = ctx.state.faults.takeFail(method, true)
  if (fault !== null) throw new RestError(fault.status, fault.error, fault.description)
  const fn = methods[method]
  if (fn === undefined) throw new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!')
  return asCall(ctx.state, params, () => fn({ ...ctx, viaBatch: true }, params))
}
