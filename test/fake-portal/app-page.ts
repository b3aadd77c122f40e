// The app's page in the portal, for a real browser: the frame, its POST, and the portal's AJAX behind the frame protocol.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { layoutScript } from './app-layout.js'
import { isAdmin } from './domain/directory.js'
import { parseForm, readBody, send } from './http.js'
import { beginUiInstall, finishInstall, frameRequest, placementOptions } from './lifecycle.js'
import type { PortalState } from './state.js'
import { randomHex } from './util.js'

/** The local-application form: "Handler path" and "Path for initial installation". */
export interface LocalAppForm {
  handlerUrl: string
  installUrl: string
}

/** The fake has one application; real pages live at /marketplace/app/<ID>/. */
const PAGE_PATH = '/marketplace/app/1/'
/** Where applayout.js sends set_installed and access_refresh (app.layout/lazyload.ajax.php). */
const AJAX_PATH = '/bitrix/components/bitrix/app.layout/lazyload.ajax.php'
/** A CRM card the portal shows with its detail tabs: /crm/deal/details/12/. */
const CARD_PATH = /^\/crm\/(deal|lead)\/details\/(\d+)\/$/
/** Stands for the session cookie: which portal user is looking (default: 1, the administrator). */
const USER_PARAM = 'user'

const HTML = 'text/html; charset=utf-8'

/** Serves the app page and its AJAX; knows the form, the open pages and who has run which version. */
export class AppPages {
  private form: LocalAppForm | null = null
  /** sessid of each rendered page → the user who opened it. */
  private readonly sessions = new Map<string, number>()
  /** `user:version` pairs that have sent setInstall (the portal's FIRST_RUN user option). */
  private readonly ran = new Set<string>()

  constructor(private readonly state: PortalState) {}

  /** Saves the form and returns the page address a browser opens for `userId`. */
  register(form: LocalAppForm, userId: number): string {
    this.form = form
    const query = userId === 1 ? '' : `?${USER_PARAM}=${userId}`
    return `${this.state.cfg.url}${PAGE_PATH}${query}`
  }

  /** Answers the request when it is the app page or its AJAX; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://portal.invalid')
    if (url.pathname === PAGE_PATH && req.method === 'GET') {
      this.page(req, url, res)
      return true
    }
    const card = CARD_PATH.exec(url.pathname)
    if (card && req.method === 'GET') {
      this.card(req, url, res, card[1] as 'deal' | 'lead', card[2]!)
      return true
    }
    if (url.pathname === AJAX_PATH && req.method === 'POST') {
      await this.ajax(req, res)
      return true
    }
    return false
  }

  // component.php: the install path for an admin while not installed, the handler path once installed.
  private page(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const { state } = this
    if (this.form === null) return send(res, 404, portalPage('Приложение не найдено', ''), HTML)
    const userId = Number(url.searchParams.get(USER_PARAM) ?? '1')
    const admin = isAdmin(state, userId)
    if (!state.app.finished && !admin) {
      return send(res, 403, portalPage('Установка приложения не завершена', 'Обратитесь к администратору портала.'), HTML)
    }
    if (!state.app.present) beginUiInstall(state, userId, this.form.installUrl)
    const install = !state.app.finished
    const appUrl = install ? this.form.installUrl : this.form.handlerUrl
    // PLACEMENT_OPTIONS of the default placement: the page's own query minus `_r` (component.php).
    const options: Record<string, string> = {}
    for (const [key, value] of url.searchParams) if (key !== '_r' && key !== USER_PARAM) options[key] = value
    const body = this.framed(req, { userId, admin, install, appUrl, placement: 'DEFAULT', options: Object.keys(options).length > 0 ? options : null })
    send(res, 200, portalPage('Приложение', body), HTML)
  }

  // A deal's or lead's card with the app's tab «Правила» framed below it, as the portal shows a detail tab.
  private card(req: IncomingMessage, url: URL, res: ServerResponse, entity: 'deal' | 'lead', id: string): void {
    const { state } = this
    const userId = Number(url.searchParams.get(USER_PARAM) ?? '1')
    const record = state.store.crm[entity].get(Number(id))
    if (record === undefined) return send(res, 404, portalPage('Запись не найдена', ''), HTML)
    const placement = entity === 'deal' ? 'CRM_DEAL_DETAIL_TAB' : 'CRM_LEAD_DETAIL_TAB'
    const binding = state.placementBindings.find((b) => b.placement === placement)
    const title = `${entity === 'deal' ? 'Сделка' : 'Лид'} «${String(record.TITLE ?? '')}»`
    if (!state.app.finished || binding === undefined) return send(res, 200, portalPage(title, '<p>Вкладок приложений нет.</p>'), HTML)
    const tab = this.framed(req, { userId, admin: isAdmin(state, userId), install: false, appUrl: binding.handler, placement, options: placementOptions(placement, { ID: id }) })
    send(res, 200, portalPage(title, `<nav class="tabs"><span>Общие</span> <b>${esc(binding.title || 'Правила')}</b></nav>\n${tab}`), HTML)
  }

  // The portal's frame of an app page: the form it POSTs into the iframe, and the layout script behind the frame protocol.
  private framed(req: IncomingMessage, o: { userId: number; admin: boolean; install: boolean; appUrl: string; placement: string; options: Record<string, string> | null }): string {
    const { state } = this
    // CURRENT_HOST: the host the browser is on, which is also what the SDK posts back to.
    const host = req.headers.host ?? new URL(state.cfg.url).host
    const proto = state.cfg.url.startsWith('https:') ? 1 : 0
    const appSid = randomHex(16)
    const sessid = randomHex(16)
    this.sessions.set(sessid, o.userId)
    const frame = frameRequest(state, { url: o.appUrl, userId: o.userId, placement: o.placement, options: o.options, appSid, domain: host })
    const frameName = `${host}|${proto}|${appSid}`
    const formName = `appform_${appSid}`
    const inputs = Object.entries(frame.body).map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`).join('\n')
    const script = layoutScript({
      appSid, appCode: state.cfg.clientId, smartProcessPaths: state.cfg.sliderPaths === 'current', appOrigin: new URL(o.appUrl).origin, frameId: `appframe_${appSid}`, formName, ajaxUrl: AJAX_PATH, sessid,
      initData: {
        LANG: state.cfg.language, DOMAIN: host, PROTOCOL: proto, PATH: '/rest',
        AUTH_ID: frame.auth.accessToken, AUTH_EXPIRES: String(frame.auth.expiresIn), REFRESH_ID: frame.auth.refreshToken,
        MEMBER_ID: state.cfg.memberId, FIRST_RUN: !this.ran.has(`${o.userId}:${state.app.version}`), IS_ADMIN: o.admin, INSTALL: o.install,
        // CUtil::PhpToJsObject renders an empty PHP array as [].
        USER_OPTIONS: [], APP_OPTIONS: [], PLACEMENT: o.placement, PLACEMENT_OPTIONS: o.options ?? [],
      },
    })
    const body = `<form name="${formName}" action="${esc(frame.target)}" method="POST" target="${esc(frameName)}">
${inputs}
</form>
<div id="appframe_layout_${appSid}" class="layout">
<iframe id="appframe_${appSid}" name="${esc(frameName)}" frameborder="0"></iframe>
</div>
<script>${script}</script>`
    return body
  }

  // component.php "additional actions", plus the user option setInstall saves (BX.userOptions.save).
  private async ajax(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { state } = this
    const form = parseForm((await readBody(req)).toString('utf8'))
    const userId = this.sessions.get(String(form.sessid ?? ''))
    // check_bitrix_sessid() fails: the portal dies with an empty answer.
    if (userId === undefined) return send(res, 200, '', 'application/json')
    const action = String(form.action ?? '')
    if (action === 'set_installed') {
      // The portal answers "true"/"false" as strings; applayout.js reloads with install_finished=Y either way.
      if (!isAdmin(state, userId) || !state.app.present) return send(res, 200, '{"result":"false"}')
      finishInstall(state, form.v !== 'N', userId)
      return send(res, 200, '{"result":"true"}')
    }
    if (action === 'access_refresh') {
      const pair = state.tokens.issue(userId)
      return send(res, 200, JSON.stringify({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) }))
    }
    if (action === 'user_option_install') {
      const key = `${userId}:${state.app.version}`
      if (form.install === '1') this.ran.add(key)
      else this.ran.delete(key)
      return send(res, 200, '{"result":true}')
    }
    send(res, 200, '', 'application/json')
  }
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function portalPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { margin: 0; font: 14px/1.5 system-ui, Arial, sans-serif; background: #eef2f4; color: #333; }
header { background: #2fc6f6; color: #fff; padding: 10px 24px; font-weight: 600; }
main { padding: 16px 24px; }
.layout { background: #fff; border-radius: 8px; height: 420px; }
iframe { width: 100%; height: 100%; border: 0; }
.side-panel { position: fixed; top: 0; right: 0; bottom: 0; width: 60%; background: #fff; box-shadow: -4px 0 16px rgba(0,0,0,.2); padding: 16px 24px; }
</style>
</head>
<body>
<header>Битрикс24 (фальшивый портал)</header>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`
}
