// The batch method's wire format: commands as query strings, answers split into per-key results and errors.
import qs from 'qs'
import { asRecord, isRecord } from '../shared/records.js'

/** Named commands for one batch; any number, the client sends them 50 at a time. */
export type BatchCommands = Record<string, { method: string; params?: Record<string, unknown> }>

/** The portal's error for one command, exactly as sent (`error` may be ""). */
export interface BatchCommandError {
  error: string
  description: string
}

/** Every command's key lands in exactly one of the two maps. */
export interface BatchOutcome {
  results: Record<string, unknown>
  errors: Record<string, BatchCommandError>
}

/** The most commands one batch request may carry (docs: settings/how-to-call-rest-api/batch.md). */
export const BATCH_LIMIT = 50

/** The command keys in chunks of at most BATCH_LIMIT, in the caller's order. */
export function chunkKeys(commands: BatchCommands): string[][] {
  const keys = Object.keys(commands)
  const chunks: string[][] = []
  for (let i = 0; i < keys.length; i += BATCH_LIMIT) chunks.push(keys.slice(i, i + BATCH_LIMIT))
  return chunks
}

/** The `cmd` map for one chunk: `method?query`, PHP-style brackets, as the SDK and the docs encode it. */
export function encodeCommands(commands: BatchCommands, keys: string[]): Record<string, string> {
  const cmd: Record<string, string> = {}
  for (const key of keys) {
    const command = commands[key]
    if (command) cmd[key] = `${command.method}?${qs.stringify(command.params ?? {})}`
  }
  return cmd
}

// Why the envelope is read here and not by the SDK's batch action: the SDK takes a sub-error with
// `"error": ""` (legacy CRM "Not found") for a success without a result and drops the key.

/** Copies each key's result or error from a batch answer; empty maps arrive as `[]`. */
export function readBatchAnswer(answer: unknown, keys: string[], into: BatchOutcome): void {
  const body = asRecord(answer)
  for (const key of keys) {
    const failed = lookup(body.result_error, key)
    if (failed.found) {
      into.errors[key] = commandError(failed.value)
      continue
    }
    const done = lookup(body.result, key)
    if (done.found) {
      into.results[key] = done.value
      continue
    }
    into.errors[key] = { error: 'BATCH_NO_ANSWER', description: 'the batch answer has neither a result nor an error for this command' }
  }
}

function commandError(value: unknown): BatchCommandError {
  if (typeof value === 'string') return { error: value, description: '' }
  const entry = asRecord(value)
  return {
    error: typeof entry.error === 'string' ? entry.error : String(entry.error ?? ''),
    description: typeof entry.error_description === 'string' ? entry.error_description : '',
  }
}

// PHP sends a map with keys 0..n-1 as a JSON array, and an empty one as [].
function lookup(container: unknown, key: string): { found: boolean; value?: unknown } {
  if (Array.isArray(container)) {
    const index = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1
    return index >= 0 && index < container.length ? { found: true, value: container[index] } : { found: false }
  }
  if (isRecord(container) && Object.hasOwn(container, key)) {
    return { found: true, value: container[key] }
  }
  return { found: false }
}
