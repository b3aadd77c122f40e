// What a page says when its request failed: the input's fault in full (4xx), or only that the app failed and the id to quote (5xx).
import { html, type Raw } from './html.js'

/** A failure as it may be shown; `reason` is undefined when the app itself failed (its detail is in the log only). */
export interface ShownFailure {
  code: string
  reason: string | undefined
  requestId: string
}

/** The generic words for a failure of the app (status 500 or above), Russian first. */
export const APP_FAILED = {
  ru: 'Что-то пошло не так на стороне приложения. Попробуйте ещё раз через минуту.',
  en: "Something went wrong on the app's side. Try again in a minute.",
} as const

/** How a failed page names the request id an administrator finds in the log. */
export const REQUEST_ID = { ru: 'Номер запроса для администратора', en: 'Request id for the administrator' } as const

/** The failure's paragraphs: the reason and its code, or the generic sentence and the request id; never an internal message. */
export function failureBody(lang: 'ru' | 'en', failure: ShownFailure): Raw {
  if (failure.reason !== undefined) return html`<p class="error">${failure.reason}</p><p class="muted">${failure.code}</p>`
  return html`<p class="error">${APP_FAILED[lang]}</p><p class="muted">${REQUEST_ID[lang]}: <code class="request-id">${failure.requestId}</code></p>`
}
