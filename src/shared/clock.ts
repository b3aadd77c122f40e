// The app's one clock: the only place in the app that reads the wall clock; everything else is handed `now`.

/** What every part of the app asks for the time: the composition root makes one and passes it down. */
export type Clock = () => Date

/** The wall clock: what `npm start` and `npm run report` run on (tests pass their own). */
export function systemClock(): Date {
  return new Date()
}

/** `now` in whole unix seconds, the unit of the portal's token expiries. */
export function unixSeconds(now: Clock): number {
  return Math.floor(now().getTime() / 1000)
}
