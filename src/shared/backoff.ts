// Retrying failed work: the delay doubles with each failed attempt, up to a ceiling.

/** The longest the app's own work (the inbox, the outbox) waits before trying again. */
export const MAX_RETRY_DELAY_MS = 10 * 60_000

/** The wait after `attempt` failed tries (1 for the first): `baseMs`, doubled with each try, at most `maxMs`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), maxMs)
}
