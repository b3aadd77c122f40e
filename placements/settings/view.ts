// What the settings page is drawn from: the settings in the file's form, the file's own, and the portal's names.
import type { Lang } from './words.js'

/** A person or department the page lets the administrator pick. */
export interface Named {
  id: string
  name: string
  active: boolean
}

/** Everything the settings page shows; the settings themselves in RULES_FILE's JSON form. */
export interface SettingsView {
  lang: Lang
  session: string
  /** The portal's settings now (or the draft being shown). */
  config: Record<string, any>
  /** The settings as the defaults and RULES_FILE make them (what «Вернуть как в файле» brings back). */
  file: Record<string, any>
  users: readonly Named[]
  departments: readonly Named[]
  /** CATEGORY_ID → the pipeline's name; STAGE_ID → the stage's name. */
  pipelines: ReadonlyMap<string, string>
  stages: ReadonlyMap<string, string>
  /** The production calendar's marked days of the portal's country: 'YYYY-MM-DD' → off, short or work. */
  production: ReadonlyMap<string, 'off' | 'short' | 'work'>
  /** The portal's date today, 'YYYY-MM-DD' (the month the calendar opens at). */
  today: string
  /** Open records flagged under the settings now. */
  flagged: number
  /** A note over the form: what just happened (returned as in the file, and not yet saved). */
  note?: string
  /** Whether the robots are registered, the portal's plan has no automation, or registering failed (none: not tried yet). */
  robots: { mode: 'registered' | 'unavailable' | 'failed' | 'none'; error: string | null }
}

const GONE = {
  user: { ru: 'уволен', en: 'left the company' },
  department: { ru: 'удалённый отдел', en: 'deleted department' },
  stage: { ru: 'удалённая стадия', en: 'deleted stage' },
  pipeline: { ru: 'удалённая воронка', en: 'deleted pipeline' },
} as const

/** A user's name; one who left or is unknown as «уволен: #12». */
export function userName(view: SettingsView, id: string): string {
  const user = view.users.find((item) => item.id === id)
  if (user && user.active) return user.name
  if (user) return `${user.name} (${GONE.user[view.lang]})`
  return `${GONE.user[view.lang]}: #${id}`
}

/** A department's name; a deleted one as «удалённый отдел: #7». */
export function departmentName(view: SettingsView, id: string): string {
  return view.departments.find((item) => item.id === id)?.name ?? `${GONE.department[view.lang]}: #${id}`
}

/** A deal stage's name; one the portal no longer has as «удалённая стадия C1:NEGOTIATION». */
export function stageName(view: SettingsView, id: string): string {
  return view.stages.get(id) ?? `${GONE.stage[view.lang]} ${id}`
}

/** A pipeline's name; the general one is 0. */
export function pipelineName(view: SettingsView, id: string): string {
  return view.pipelines.get(id) ?? (id === '0' ? { ru: 'Общая', en: 'General' }[view.lang] : `${GONE.pipeline[view.lang]} ${id}`)
}

/** The value at `path` (dot-separated) of a settings object. */
export function at(config: Record<string, any>, path: string): any {
  return path.split('.').reduce<any>((value, key) => (value === null || value === undefined ? undefined : value[key]), config)
}
