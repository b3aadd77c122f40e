// Redirects are never followed: a 3xx from a portal or the token server becomes one final error.
import { B24Error } from './b24-error.js'

/** The code of a 3xx answer the client refused to follow; never retried. */
export const REDIRECT_REFUSED = 'REDIRECT_REFUSED'

/** A 3xx answer as the client saw it: its status and the host (with port) its Location points to. */
export interface Redirect {
  status: number
  targetHost: string
}

/** True for a 3xx status: the answer asks to be followed somewhere, which the client never does. */
export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400
}

/** The host a Location header points to, resolved against the request URL; never the path or query, which may carry anything. */
export function redirectTargetHost(location: unknown, requestUrl: string | undefined): string {
  if (typeof location !== 'string' || location === '') return '(no Location header)'
  try {
    return new URL(location, requestUrl).host || '(no host)'
  } catch {
    return '(unreadable Location header)'
  }
}

/** The B24Error for a refused redirect; its description names the status and the target host. */
export function redirectRefused(method: string, redirect: Redirect, what = 'the portal'): B24Error {
  return new B24Error({
    method,
    code: REDIRECT_REFUSED,
    description: `${what} answered HTTP ${redirect.status} redirecting to "${redirect.targetHost}"; redirects are never followed`,
    httpStatus: redirect.status,
  })
}

/** The redirect an axios failure carries (maxRedirects 0 makes every 3xx one), or undefined. */
export function redirectOfAxios(error: unknown): Redirect | undefined {
  if (typeof error !== 'object' || error === null || (error as { isAxiosError?: unknown }).isAxiosError !== true) return undefined
  const { response, config } = error as { response?: { status?: unknown; headers?: Record<string, unknown> }; config?: { url?: unknown } }
  const status = response?.status
  if (typeof status !== 'number' || !isRedirectStatus(status)) return undefined
  const requestUrl = typeof config?.url === 'string' ? config.url : undefined
  return { status, targetHost: redirectTargetHost(response?.headers?.location, requestUrl) }
}
