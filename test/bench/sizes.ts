// The app phases' sizes, the same on SQLite and on PostgreSQL so that their rows compare.

/** Leads created and mirrored before the bursts; the intake's events are spread over them. */
export const LEADS = 1_000
/** The big burst: changes made at once in the portal over every lead. */
export const UPDATES = 5_000
/** The small burst: 300 changes over 100 leads. */
export const SMALL = { leads: 100, updates: 300 }
/** The intake's events; BENCH_EVENTS sends fewer (or more) while trying the bench out. */
export const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000)
/** The intake's concurrent keep-alive connections. */
export const CONNECTIONS = 32
/** Events sent before the intake's measured ones, to each target. */
export const WARM_UP = 500

if (!Number.isInteger(EVENTS) || EVENTS < 1) throw new Error(`BENCH_EVENTS: "${process.env.BENCH_EVENTS}" is not a whole number of events`)
