// What a caught value says, for logs, journals and the outbox: the one way the app turns `unknown` into text.

/** The message of an Error, or the value as a string when something else was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** True when a fetch ended at its deadline (`AbortSignal.timeout`) or was aborted, rather than failing on the network. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}
