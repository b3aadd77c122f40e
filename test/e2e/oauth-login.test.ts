// The main page outside the portal: the OAuth login against the fake portal over real HTTP, redirects followed by hand.
import { createServer } from 'node:http'
import type { Browser } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { settle, startHarness, type Harness } from '../helpers/harness.js'

const DMITRY = 4
const WAIT_MS = 15_000

let h: Harness | undefined
let browser: Browser | undefined
afterEach(async () => {
  await browser?.close()
  browser = undefined
  await h?.close()
  h = undefined
})

async function installed(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const harness = await startHarness(options)
  h = harness
  await harness.portal.installApp({ installUrl: `${harness.url}/install` })
  await settle(harness)
  harness.portal.setRedirectUri(`${harness.url}/app/oauth/callback`)
  return harness
}

/** The cookies a Set-Cookie list sets, name → value (an empty value: cleared). */
function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.getSetCookie().map((line) => {
    const [pair = ''] = line.split(';')
    const at = pair.indexOf('=')
    return [pair.slice(0, at), pair.slice(at + 1)]
  }))
}

const get = (url: string, cookie = '') => fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })

/** GET /app?portal=… → the portal's authorize page (as user `userId`) → the callback URL with code and state; the login cookie. */
async function toCallback(harness: Harness, userId = DMITRY): Promise<{ callback: URL; login: string }> {
  const start = await get(`${harness.url}/app?portal=${encodeURIComponent(harness.portal.domain)}`)
  expect(start.status).toBe(302)
  const authorize = new URL(start.headers.get('location') ?? '')
  expect(authorize.origin).toBe(harness.portal.url)
  expect(authorize.pathname).toBe('/oauth/authorize/')
  expect(authorize.searchParams.get('client_id')).toBe(harness.portal.clientId)
  const login = `rules_login=${cookiesOf(start).rules_login}`
  const portalAnswer = await get(authorize.toString(), harness.portal.sessionCookie(userId))
  expect(portalAnswer.status).toBe(302)
  const callback = new URL(portalAnswer.headers.get('location') ?? '')
  expect(callback.searchParams.get('member_id')).toBe(harness.portal.memberId)
  expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'))
  return { callback, login }
}

describe('logging in outside the portal', () => {
  it('logs user 4 in: the landing page names Дмитрий Соколов and the portal; logout clears the session', async () => {
    const harness = await installed()
    const form = await get(`${harness.url}/app`)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('Адрес вашего портала Битрикс24')

    const { callback, login } = await toCallback(harness)
    const back = await get(callback.toString(), login)
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe('/app')
    const setCookie = back.headers.getSetCookie().find((line) => line.startsWith('rules_session=')) ?? ''
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(setCookie).not.toMatch(/Secure/i)
    expect(harness.portal.oauthCalls.at(-1)).toMatchObject({ grantType: 'authorization_code', status: 200 })

    const session = `rules_session=${cookiesOf(back).rules_session}`
    const main = await get(`${harness.url}/app`, session)
    expect(main.status).toBe(200)
    const text = await main.text()
    expect(text).toContain('Дмитрий Соколов')
    expect(text).toContain(harness.portal.domain)
    expect(text).not.toContain('(администратор)')

    const out = await fetch(`${harness.url}/app/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: session } })
    expect(out.status).toBe(303)
    expect(cookiesOf(out).rules_session).toBe('')
  })

  it('refuses an unknown portal with an error page and no redirect', async () => {
    const harness = await installed()
    const answer = await get(`${harness.url}/app?portal=other.bitrix24.ru`)
    expect(answer.status).toBe(404)
    expect(answer.headers.get('location')).toBeNull()
    expect(await answer.text()).toContain('Портал «other.bitrix24.ru» не знает этого приложения')
    const english = await fetch(`${harness.url}/app?portal=other.bitrix24.ru`, { headers: { 'accept-language': 'en-US,en;q=0.9' } })
    expect(await english.text()).toContain('The portal &quot;other.bitrix24.ru&quot; does not have this app')
  })

  it('marks the cookies Secure when PUBLIC_URL is https', async () => {
    const harness = await startHarness({ env: { PUBLIC_URL: 'https://rules.example' } })
    h = harness
    const local = `http://127.0.0.1:${harness.config.port}`
    await harness.portal.installApp({ installUrl: `${local}/install` })
    await settle(harness)
    const start = await get(`${local}/app?portal=${encodeURIComponent(harness.portal.domain)}`)
    expect(start.status).toBe(302)
    const line = start.headers.getSetCookie().find((cookie) => cookie.startsWith('rules_login=')) ?? ''
    expect(line).toMatch(/; Secure/i)
    expect(line).toMatch(/HttpOnly/i)
    expect(line).toMatch(/Path=\/app\/oauth\/callback/)
  })

  it('refuses a forged state, a state from another browser and a state used twice', async () => {
    const harness = await installed()
    const { callback, login } = await toCallback(harness)
    const forged = new URL(callback)
    forged.searchParams.set('state', `${callback.searchParams.get('state')?.split('.')[0]}.forged`)
    const refused = await get(forged.toString(), login)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Ссылка входа недействительна')
    expect(cookiesOf(refused).rules_session).toBeUndefined()

    const other = await toCallback(harness)
    const noCookie = await get(other.callback.toString())
    expect(noCookie.status).toBe(400)
    // Refused once, the state is spent even for its own browser.
    expect((await get(other.callback.toString(), other.login)).status).toBe(400)
    // The code was never exchanged.
    expect(harness.portal.oauthCalls.filter((call) => call.grantType === 'authorization_code')).toHaveLength(0)
  })

  it('refuses a code used twice and a code older than 30 seconds', async () => {
    let offset = 0
    const harness = await installed({ portal: { now: () => Date.now() + offset } })
    const first = await toCallback(harness)
    expect((await get(first.callback.toString(), first.login)).status).toBe(302)
    // The same code with a fresh state of this browser: the OAuth server has spent it.
    const second = await toCallback(harness)
    const replay = new URL(second.callback)
    replay.searchParams.set('code', first.callback.searchParams.get('code') ?? '')
    const refused = await get(replay.toString(), second.login)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Сервер авторизации не принял код входа')
    expect(harness.portal.oauthCalls.at(-1)).toMatchObject({ grantType: 'authorization_code', status: 400, error: 'invalid_grant' })

    const late = await toCallback(harness)
    offset += 31_000
    const expired = await get(late.callback.toString(), late.login)
    expect(expired.status).toBe(400)
    expect(cookiesOf(expired).rules_session).toBeUndefined()
    expect(harness.portal.oauthCalls.at(-1)).toMatchObject({ grantType: 'authorization_code', status: 400, error: 'invalid_grant' })
  })

  it('never follows a redirect from the token server: the code and the secret stay where they were sent', async () => {
    let seen = 0
    let target = ''
    let memberId = ''
    const redirector = createServer((_req, res) => {
      seen += 1
      res.writeHead(307, { location: `${target}/oauth/token/`, 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: 'from-a-redirect', member_id: memberId }))
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    try {
      const address = redirector.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const harness = await installed({ env: { B24_OAUTH_URL: `http://127.0.0.1:${port}` } })
      target = harness.portal.oauthUrl
      memberId = harness.portal.memberId
      const { callback, login } = await toCallback(harness)
      const refused = await get(callback.toString(), login)
      expect(refused.status).toBe(400)
      expect(await refused.text()).toContain('CODE_REFUSED')
      expect(cookiesOf(refused).rules_session).toBeUndefined()
      expect(seen).toBe(1)
      expect(harness.portal.oauthCalls.filter((call) => call.grantType === 'authorization_code')).toHaveLength(0)
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()))
    }
  })

  it('refuses an answer naming another member_id, and a token the stored portal does not confirm', async () => {
    const harness = await installed()
    harness.portal.answerTokensAs('0123456789abcdef0123456789abcdef')
    const foreign = await toCallback(harness)
    const refused = await get(foreign.callback.toString(), foreign.login)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('UNKNOWN_PORTAL')
    expect(cookiesOf(refused).rules_session).toBeUndefined()

    harness.portal.answerTokensAs(null)
    const unconfirmed = await toCallback(harness)
    harness.portal.faults.fail({ method: 'batch', status: 401, error: 'invalid_token', description: 'Unable to get application by token' })
    const notConfirmed = await get(unconfirmed.callback.toString(), unconfirmed.login)
    expect(notConfirmed.status).toBe(403)
    expect(await notConfirmed.text()).toContain('Портал не подтвердил вход')
    expect(cookiesOf(notConfirmed).rules_session).toBeUndefined()
  })

  it('goes through the real redirects in a browser: form, portal, callback, landing page', async () => {
    const harness = await installed()
    browser = await launchBrowser({ timeout: WAIT_MS })
    const context = await browser.newContext({ locale: 'ru-RU' })
    await context.addCookies([{ name: 'FAKE_PORTAL_USER', value: String(DMITRY), url: harness.portal.url }])
    const page = await context.newPage()
    page.setDefaultTimeout(WAIT_MS)
    await page.goto(`${harness.url}/app`)
    await page.getByLabel('Адрес вашего портала Битрикс24').fill(harness.portal.domain)
    await page.getByRole('button', { name: 'Войти через Битрикс24' }).click()
    await page.waitForURL(`${harness.url}/app`)
    expect(await page.locator('strong.user').textContent()).toBe('Дмитрий Соколов')
    expect(await page.locator('.signed-in .portal').textContent()).toContain(harness.portal.domain)
    // Outside the portal the same main page: Дмитрий Соколов heads sales, so he sees his department's dashboard.
    expect(await page.locator('main.dashboard h1').textContent()).toBe('Панель руководителя')
    await page.getByRole('button', { name: 'Выйти' }).click()
    await expect.poll(() => page.locator('input[name=portal]').count()).toBe(1)
  })
})
