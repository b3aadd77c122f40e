// Keeps exceljs's streaming writer from running ahead of its zip and its output, and from keeping what it wrote.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type ExcelJS from 'exceljs'

/**
 * Waits until the sheet's zip entry and the output have taken what they were given. exceljs's streaming writer never
 * waits: each committed row goes into the entry however far the zip is behind, so a large report would pile up in
 * memory and hold the event loop until the end. The entry is exceljs's StreamBuf (`_stream`); its `pipes`, once the zip
 * has reached this sheet, are archiver's streams (readable-stream's, without `writableNeedDrain`).
 */
export async function caughtUp(worksheet: ExcelJS.Worksheet, output: Writable): Promise<void> {
  const entry = (worksheet as unknown as { _stream?: { pipes?: Writable[]; buffers?: unknown[] } })._stream
  for (;;) {
    // A download whose client went away: nothing will drain any more.
    if (output.destroyed) throw new Error('the report’s output closed before the report was written')
    const behind = (entry?.pipes ?? []).find((pipe) => behindBy(pipe, 0)) ?? (behindBy(output, OUTPUT_AHEAD_BYTES) ? output : undefined)
    if (behind) await drainedOrClosed(behind, output)
    // Not yet reached by the zip (the previous sheet's entry still being written): let it get there.
    else if ((entry?.pipes?.length ?? 0) === 0 && (entry?.buffers?.length ?? 0) > ENTRY_AHEAD_BUFFERS) await new Promise((resolve) => setImmediate(resolve))
    else return
  }
}

/**
 * exceljs's streaming writer keeps every formula cell a sheet has written (`_formulae`, for shared formulas to find
 * their master), so memory grows with the rows; the app writes no shared formula, so the written ones are let go.
 */
export function forgetFormulae(worksheet: ExcelJS.Worksheet): void {
  const writer = worksheet as unknown as { _formulae?: Record<string, unknown> }
  if (writer._formulae) writer._formulae = {}
}

async function drainedOrClosed(behind: Writable, output: Writable): Promise<void> {
  const done = new AbortController()
  try {
    await Promise.race([once(behind, 'drain', { signal: done.signal }), once(output, 'close', { signal: done.signal })])
  } finally {
    done.abort()
  }
}

// How far the output may run behind before the writer waits: enough that writing overlaps with making the next rows,
// little enough that a slow download holds little. (The zip's own streams count chunks, not bytes: they are waited for
// as soon as they ask to be drained.)
const OUTPUT_AHEAD_BYTES = 128 * 1024
// A sheet the zip has not reached yet (it is still compressing the one before) holds its XML in 64 KiB buffers.
const ENTRY_AHEAD_BUFFERS = 16

// True when `stream` asked to be drained and holds more than `bytes` not yet taken.
function behindBy(stream: Writable, bytes: number): boolean {
  const state = (stream as Writable & { _writableState?: { needDrain?: boolean; length?: number } })._writableState
  const needDrain = state?.needDrain ?? stream.writableNeedDrain
  return needDrain && (state?.length ?? stream.writableLength) > bytes
}
