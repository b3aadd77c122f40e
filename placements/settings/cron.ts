// The reports' schedule as the page shows it — a weekday or a day of the month and a time — and the cron line the file keeps.

/** A schedule the page can show: `day` is the weekday (0 Sunday … 6 Saturday) or the day of the month. */
export interface Moment {
  day: number
  time: string
}

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

/** The weekday and time of a weekly cron («0 17 * * 5» → Friday 17:00); undefined for any other schedule. */
export function weeklyMoment(cron: string | null): Moment | undefined {
  const match = /^(\d{1,2}) (\d{1,2}) \* \* ([0-7]|[a-z]{3})$/i.exec((cron ?? '').trim())
  if (!match) return undefined
  const named = WEEKDAY_NAMES.indexOf(match[3]!.toLowerCase())
  const day = named >= 0 ? named : Number(match[3]) % 7
  return moment(Number(match[2]), Number(match[1]), day)
}

/** The day of the month and time of a monthly cron («0 9 1 * *» → the 1st at 09:00); undefined for any other schedule. */
export function monthlyMoment(cron: string | null): Moment | undefined {
  const match = /^(\d{1,2}) (\d{1,2}) (\d{1,2}) \* \*$/.exec((cron ?? '').trim())
  if (!match) return undefined
  const day = Number(match[3])
  if (day < 1 || day > 31) return undefined
  return moment(Number(match[2]), Number(match[1]), day)
}

/** The cron line of a weekly moment (the page's script does the same). */
export function weeklyCron(at: Moment): string {
  const [hour, minute] = at.time.split(':').map(Number)
  return `${minute} ${hour} * * ${at.day}`
}

/** The cron line of a monthly moment. */
export function monthlyCron(at: Moment): string {
  const [hour, minute] = at.time.split(':').map(Number)
  return `${minute} ${hour} ${at.day} * *`
}

function moment(hour: number, minute: number, day: number): Moment | undefined {
  if (hour > 23 || minute > 59) return undefined
  return { day, time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` }
}
