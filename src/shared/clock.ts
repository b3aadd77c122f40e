// The app's one clock: the only place in the app that reads the wall clock; everything else is handed `now`.

/** What every part of the app asks for the time: the composition root makes one and passes it down. */
export type Clock = () => Date

/** The wall clock: what `npm start` and `npm run report` run on (tests pass their own). */
export function systemClock(): Date {
  return new Date()
}

/**
 * A token's expiry (unix seconds on the app's clock) on the wall clock, for the SDK, which checks expiries against the
 * wall clock itself: the same seconds left. On the wall clock (production) it is the expiry unchanged; on a clock a
 * test has moved, a token the app counts as fresh is not refreshed by the SDK on every call.
 */
export function wallExpiry(expiresAt: number, now: Clock): number {
  return unixSeconds(systemClock) + (expiresAt - unixSeconds(now))
}

/** `now` in whole unix seconds, the unit of the portal's token expiries. */
export function unixSeconds(now: Clock): number {
  return Math.floor(now().getTime() / 1000)
}
