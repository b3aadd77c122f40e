// The main page outside the portal: GET /app asks which portal, the portal's /oauth/authorize/ logs the person in,
// GET /app/oauth/callback exchanges the code (@fastify/oauth2's simple-oauth2 client, at the portal's OAuth server),
// checks the answer's member_id and has the stored portal confirm the token, then sets a first-party session cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { tokenUrl } from '../src/b24/endpoints.js'
import { checkEndpoint, type Config } from '../src/config.js'
import { AppError } from '../src/shared/app-error.js'
import type { DirectorySync } from '../src/ingest/directory-sync.js'
import { languageOf } from '../src/notify/messages.js'
import type { LoginStates } from '../src/auth/login-states.js'
import type { PageSessions } from '../src/auth/page-sessions.js'
import { SESSION_TTL_MS } from '../src/auth/page-sessions.js'
import type { PortalAuth, TokenUser } from '../src/auth/portal-auth.js'
import type { StorePort } from '../src/store/port.js'
import type { Portal } from '../src/store/portals.js'
import { userName } from '../rules/directory.js'
import { failureBody } from '../placements/failure.js'
import { html, page } from '../placements/html.js'
import { signedInBar } from '../placements/main-page.js'
import type { Raw } from '../placements/html.js'
import { LOGIN_STATE_TTL_MS } from '../src/auth/login-states.js'
import { failureOf, type Failure } from './failure.js'
import { isRecord } from '../src/shared/records.js'
import { errorMessage } from '../src/shared/errors.js'

/** The session cookie of the main page outside the portal. */
export const SESSION_COOKIE = 'rules_session'
/** The login cookie: the nonce of the state this browser was sent to the portal with. */
export const LOGIN_COOKIE = 'rules_login'
/** Where the portal sends the browser back; set `PUBLIC_URL` + this as the app's redirect URI in the portal. */
export const CALLBACK_PATH = '/app/oauth/callback'

/** The code exchange: @fastify/oauth2's simple-oauth2 client, or undefined without B24_CLIENT_ID and B24_CLIENT_SECRET. */
export interface CodeExchange {
  getToken(params: { code: string }, httpOptions: Record<string, unknown>): Promise<{ token: Record<string, unknown> }>
}

/** What the login needs. */
export interface LoginDeps {
  config: Readonly<Config>
  store: StorePort
  auth: PortalAuth
  sessions: PageSessions
  states: LoginStates | undefined
  exchange: CodeExchange | undefined
  directorySync: Pick<DirectorySync, 'ensureFresh'>
  /** The main page (the dashboard) for a verified user, under the given bar. */
  mainPage: (portal: Portal, who: TokenUser, lang: Lang, banner: Raw) => Promise<{ status: number; html: string }>
}

// docs: settings/oauth/index.md; no token_type, so simple-oauth2's token is read as is.
const TokenAnswer = z.object({ access_token: z.string().min(1), member_id: z.string().min(1) })

type Lang = 'ru' | 'en'

/** A refusal of the login, said in both languages; nothing is stored and no redirect is made. */
class LoginError extends AppError {
  constructor(code: string, status: number, readonly ru: string, readonly en: string) {
    super(code, en, status)
  }
}

/** Registers GET /app (outside the portal), the OAuth callback and logout. */
export function loginRoutes(app: FastifyInstance, deps: LoginDeps): void {
  const secure = deps.config.publicUrl.startsWith('https:')
  const cookieBase = { httpOnly: true, secure, sameSite: 'lax' as const }

  app.get('/app', async (request, reply) => {
    const session = deps.sessions.verify(request.cookies[SESSION_COOKIE])
    const portal = session ? await knownPortal(deps.store, session.memberId) : undefined
    if (session && portal) {
      const name = await nameOf(deps, portal.memberId, session.userId)
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
      const lang = languageOf(portal.language)
      const who = { userId: session.userId, isAdmin: session.isAdmin }
      const main = await deps.mainPage(portal, who, lang, signedInBar(portal, { ...who, name }, lang))
      return reply.code(main.status).send(main.html)
    }
    const asked = (request.query as Record<string, unknown>).portal
    const lang = browserLanguage(request)
    if (typeof asked !== 'string' || asked.trim() === '') return sendPage(reply, 200, portalForm(lang, ''))
    try {
      const chosen = await portalByAddress(deps.store, asked)
      if (!chosen) throw new LoginError('UNKNOWN_PORTAL', 404, `Портал «${asked}» не знает этого приложения: установите приложение на портале или проверьте адрес.`, `The portal "${asked}" does not have this app: install the app on the portal or check the address.`)
      if (!deps.states || !deps.exchange) throw notConfigured()
      const { state, nonce } = deps.states.issue(chosen.memberId)
      reply.setCookie(LOGIN_COOKIE, nonce, { ...cookieBase, path: CALLBACK_PATH, maxAge: LOGIN_STATE_TTL_MS / 1000 })
      const authorize = new URL('/oauth/authorize/', new URL(chosen.clientEndpoint).origin)
      authorize.searchParams.set('client_id', deps.config.clientId)
      authorize.searchParams.set('state', state)
      return reply.redirect(authorize.toString(), 302)
    } catch (error) {
      const failure = failureOf(error, request)
      if (!(error instanceof LoginError) || failure.reason === undefined) return sendPage(reply, failure.status, loginFailedPage(lang, failure))
      return sendPage(reply, failure.status, portalForm(lang, asked, error))
    }
  })

  app.get(CALLBACK_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    let lang = browserLanguage(request)
    // The login cookie is spent with the state, whatever happens next.
    reply.clearCookie(LOGIN_COOKIE, { ...cookieBase, path: CALLBACK_PATH })
    try {
      if (!deps.states || !deps.exchange) throw notConfigured()
      const state = await deps.states.spend(typeof query.state === 'string' ? query.state : undefined, request.cookies[LOGIN_COOKIE])
      if (!state) throw new LoginError('BAD_STATE', 400, 'Ссылка входа недействительна или устарела: начните вход заново.', 'The login link is not valid or has expired: start the login again.')
      const portal = await knownPortal(deps.store, state.memberId)
      if (!portal) throw unknownPortal()
      lang = languageOf(portal.language)
      // The query's member_id and domain are only matched, never used.
      if (query.member_id !== undefined && query.member_id !== portal.memberId) throw unknownPortal()
      if (typeof query.code !== 'string' || query.code === '') throw codeRefused()
      const answer = await exchangeCode(deps, portal, query.code, request)
      // The answer names the portal it logged in to: it must be the one the state was issued for, and known.
      if (answer.member_id !== portal.memberId || !(await knownPortal(deps.store, answer.member_id))) throw unknownPortal()
      // Never client_endpoint or domain from the answer: the stored portal's endpoint says whose token this is.
      const who = await deps.auth.whoIs(portal, answer.access_token)
      if (!who) throw new LoginError('TOKENS_NOT_CONFIRMED', 403, 'Портал не подтвердил вход: попробуйте войти ещё раз.', 'The portal did not confirm the login: try to log in again.')
      const session = deps.sessions.issue(portal.memberId, who.userId, who.isAdmin)
      reply.setCookie(SESSION_COOKIE, session, { ...cookieBase, path: '/app', maxAge: SESSION_TTL_MS / 1000 })
      request.log.info({ memberId: portal.memberId, userId: who.userId }, 'logged in outside the portal')
      return reply.redirect('/app', 302)
    } catch (error) {
      const failure = failureOf(error, request)
      if (!(error instanceof LoginError) || failure.reason === undefined) return sendPage(reply, failure.status, loginFailedPage(lang, failure))
      return sendPage(reply, failure.status, loginErrorPage(lang, error))
    }
  })

  app.post('/app/logout', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { ...cookieBase, path: '/app' })
    return reply.redirect('/app', 303)
  })
}

// The token request goes to the portal's OAuth server as the token refresh finds it (B24_OAUTH_URL, else the
// stored server_endpoint), only when the allow-list accepts it. `redirects: 0` makes Wreck drop a 3xx unread
// and fail ("Maximum redirections reached") instead of following it: the code and the secret go nowhere else.
async function exchangeCode(deps: LoginDeps, portal: Portal, code: string, request: FastifyRequest): Promise<z.infer<typeof TokenAnswer>> {
  const url = tokenUrl(deps.config.oauthUrl, portal.serverEndpoint)
  const check = checkEndpoint(url, deps.config.allowedHosts)
  const base = check.ok ? check.url.origin : ''
  if (!check.ok || new URL('/oauth/token/', base).toString() !== url) {
    request.log.warn({ memberId: portal.memberId, reason: check.ok ? 'path prefix' : check.reason }, 'the OAuth server is not accepted')
    throw codeRefused()
  }
  let token: Record<string, unknown>
  try {
    ;({ token } = await deps.exchange!.getToken({ code }, { baseUrl: base, redirects: 0, timeout: deps.config.timeoutMs }))
  } catch (error) {
    const payload = (error as { data?: { payload?: unknown } }).data?.payload
    const refusal = isRecord(payload) && 'error' in payload ? String(payload.error) : errorMessage(error)
    request.log.warn({ memberId: portal.memberId, refusal }, 'the OAuth server refused the code')
    throw codeRefused()
  }
  const parsed = TokenAnswer.safeParse(token)
  if (!parsed.success) throw codeRefused()
  return parsed.data
}

async function knownPortal(store: StorePort, memberId: string): Promise<Portal | undefined> {
  const portal = await store.portals.get(memberId)
  return portal && portal.status !== 'uninstalled' ? portal : undefined
}

// "vector.bitrix24.ru", "https://vector.bitrix24.ru/crm/": the host is matched with the stored domain or endpoint.
async function portalByAddress(store: StorePort, address: string): Promise<Portal | undefined> {
  const text = address.trim().toLowerCase()
  let host: string
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`).host
  } catch {
    return undefined
  }
  if (host === '') return undefined
  return (await store.portals.all()).find((portal) => portal.status !== 'uninstalled'
    && (portal.domain.toLowerCase() === host || new URL(portal.clientEndpoint).host === host))
}

async function nameOf(deps: LoginDeps, memberId: string, userId: number): Promise<string> {
  try {
    return userName(await deps.directorySync.ensureFresh(memberId), String(userId))
  } catch {
    return `#${userId}`
  }
}

/** Russian unless the browser asks for another language first. */
function browserLanguage(request: FastifyRequest): Lang {
  const first = String(request.headers['accept-language'] ?? '').split(',')[0]?.trim().split(/[-;]/)[0]?.toLowerCase() ?? ''
  return first === '' || first === '*' ? 'ru' : languageOf(first)
}

function unknownPortal(): LoginError {
  return new LoginError('UNKNOWN_PORTAL', 403, 'Вход выполнен не на том портале, для которого он начат, или портал не знает этого приложения.', 'The login came from another portal than the one it was started for, or from a portal that does not have this app.')
}

function codeRefused(): LoginError {
  return new LoginError('CODE_REFUSED', 400, 'Сервер авторизации не принял код входа (он живёт 30 секунд и годится один раз): начните вход заново.', 'The authorization server did not accept the login code (it lives 30 seconds and works once): start the login again.')
}

function notConfigured(): LoginError {
  return new LoginError('LOGIN_NOT_CONFIGURED', 503, 'Вход вне портала не настроен (B24_CLIENT_ID, B24_CLIENT_SECRET).', 'Logging in outside the portal is not configured (B24_CLIENT_ID, B24_CLIENT_SECRET).')
}

function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body)
}

function portalForm(lang: Lang, value: string, error?: LoginError): string {
  const t = lang === 'ru'
    ? { title: 'Правила компании: вход', label: 'Адрес вашего портала Битрикс24', button: 'Войти через Битрикс24' }
    : { title: 'Company rules: log in', label: 'Your Bitrix24 portal address', button: 'Log in with Bitrix24' }
  return page({ lang, title: t.title, body: html`<h1>${t.title}</h1>
${error ? html`<p class="error">${lang === 'ru' ? error.ru : error.en}</p><p class="muted">${error.code}</p>` : ''}
<form method="GET" action="/app">
<label>${t.label} <input name="portal" value="${value}" placeholder="vector.bitrix24.ru" required></label>
<button type="submit">${t.button}</button>
</form>` })
}

// A failure of the app (5xx) during the login: only that it failed, with the request id; the details are in the log.
function loginFailedPage(lang: Lang, failure: Failure): string {
  const heading = lang === 'ru' ? 'Войти не удалось' : 'Could not log in'
  return page({ lang, title: heading, body: html`<h1>${heading}</h1>${failureBody(lang, failure)}` })
}

function loginErrorPage(lang: Lang, error: LoginError): string {
  const heading = lang === 'ru' ? 'Войти не удалось' : 'Could not log in'
  const again = lang === 'ru' ? 'Войти заново' : 'Log in again'
  return page({ lang, title: heading, body: html`<h1>${heading}</h1><p class="error">${lang === 'ru' ? error.ru : error.en}</p><p class="muted">${error.code}</p><p><a href="/app">${again}</a></p>` })
}
