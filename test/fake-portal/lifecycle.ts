// The app's lifecycle as the portal drives it: install (API-only or UI), finish, update, uninstall, frames.
import { jsonEncode } from './envelope.js'
import { deliveryHead, userAuth } from './emit.js'
import { encodeForm, type Outgoing } from './http.js'
import type { PortalState } from './state.js'
import type { TokenPair } from './tokens.js'
import type { FakeReply } from './types.js'
import { randomHex } from './util.js'

function authWithTokens(state: PortalState, userId: number): Record<string, string> {
  const { cfg } = state
  const pair = state.tokens.issue(userId)
  // Key order of the on-app-install.md / on-app-update.md payloads.
  return {
    domain: cfg.domain, scope: cfg.scope, access_token: pair.accessToken, refresh_token: pair.refreshToken,
    expires_in: String(pair.expiresIn), server_endpoint: cfg.serverEndpoint, status: 'L',
    client_endpoint: cfg.clientEndpoint, member_id: cfg.memberId, application_token: state.app.applicationToken ?? '',
  }
}

/**
 * API-only install: "Bitrix24 will automatically call this URL and send a POST request with OAuth 2.0
 * authorization data" — ONAPPINSTALL, form-encoded (installation-callback.md); finished at once.
 */
export async function installApp(state: PortalState, installUrl: string, userId: number): Promise<FakeReply> {
  state.app = { present: true, finished: true, applicationToken: randomHex(16), version: state.app.version, installerId: userId, host: hostOf(installUrl) }
  const payload = {
    event: 'ONAPPINSTALL',
    data: { VERSION: state.app.version, ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: state.cfg.language },
    ts: '',
    auth: authWithTokens(state, userId),
  }
  return state.events.sendNow({ event: 'ONAPPINSTALL', url: installUrl, payload })
}

/** A UI app's first opening by an administrator: the app is there (its tokens work) but not finished until installFinish. */
export function beginUiInstall(state: PortalState, userId: number, url: string): void {
  if (state.app.present) return
  state.app = { present: true, finished: false, applicationToken: randomHex(16), version: state.app.version, installerId: userId, host: hostOf(url) }
}

/**
 * What BX24.installFinish() makes the portal do (v=N, the portal's own "reinstall", takes it back). When
 * installation becomes finished, ONAPPINSTALL goes to the handlers bound for it: a UI install delivers the
 * application_token only there (on-app-install.md: the handler "can be set in the app's install script").
 */
export function finishInstall(state: PortalState, finished = true, userId = state.app.installerId): void {
  if (!state.app.present) throw new Error('finishInstall: nothing is being installed')
  const becomesFinished = finished && !state.app.finished
  state.app.finished = finished
  if (becomesFinished) announceInstall(state, userId)
}

/**
 * ONAPPINSTALL through the event queue (so faults apply) to every online handler bound for it, with the
 * installing administrator's tokens; refresh_token "is passed only with events that require long-term
 * access… OnAppInstall and onOfflineEvent" (events/index.md).
 */
function announceInstall(state: PortalState, userId: number): void {
  const { cfg } = state
  for (const binding of state.eventBindings) {
    if (binding.event !== 'ONAPPINSTALL' || binding.offline) continue
    const pair = state.tokens.issue(userId)
    const auth = { ...userAuth(state, userId, pair.accessToken, pair.expires), refresh_token: pair.refreshToken, application_token: state.app.applicationToken ?? '' }
    state.events.enqueue({
      event: 'ONAPPINSTALL',
      url: binding.handler,
      payload: {
        ...deliveryHead(state, 'ONAPPINSTALL', binding.id),
        data: { VERSION: state.app.version, ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: cfg.language },
        ts: '',
        auth,
      },
    })
  }
}

/** The host name of the app's address (its "domain" for robot handlers); null for an address that is not a URL. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname
  } catch {
    return null
  }
}

/** UI install: the wizard page gets the frame POST; installation is not finished until finishInstall(). */
export async function openInstallFrame(state: PortalState, out: Outgoing, url: string, userId: number): Promise<FakeReply> {
  beginUiInstall(state, userId, url)
  return framePost(state, out, url, userId, 'DEFAULT', null)
}

/** One frame POST: the address with its query string and the form fields. */
export interface FrameRequest {
  target: string
  body: Record<string, string>
  /** The pair issued to the viewing user. */
  auth: TokenPair
}

/**
 * The frame POST (settings/oauth/simple-way.md): DOMAIN, PROTOCOL, LANG, APP_SID in the query string,
 * the tokens of the viewing user and the context in the body. As captured from cloud portals (2024–2025)
 * the body has no APPLICATION_TOKEN, SERVER_ENDPOINT or APPLICATION_SCOPE; `frames: 'documented'` adds
 * them. PLACEMENT_OPTIONS is json_encode output.
 */
export function frameRequest(
  state: PortalState, o: { url: string; userId: number; placement: string; options: Record<string, string> | null; appSid: string; domain: string },
): FrameRequest {
  const { cfg } = state
  const pair = state.tokens.issue(o.userId)
  const protocol = cfg.url.startsWith('https:') ? '1' : '0'
  const query = new URLSearchParams({ DOMAIN: o.domain, PROTOCOL: protocol, LANG: cfg.language, APP_SID: o.appSid })
  const body: Record<string, string> = { AUTH_ID: pair.accessToken, AUTH_EXPIRES: String(pair.expiresIn), REFRESH_ID: pair.refreshToken }
  if (cfg.frames === 'documented') {
    Object.assign(body, { SERVER_ENDPOINT: cfg.serverEndpoint, APPLICATION_TOKEN: state.app.applicationToken ?? '', APPLICATION_SCOPE: cfg.scope })
  }
  Object.assign(body, { member_id: cfg.memberId, status: 'L', PLACEMENT: o.placement })
  if (o.options !== null) body.PLACEMENT_OPTIONS = jsonEncode(placementOptions(o.placement, o.options))
  const target = `${o.url}${o.url.includes('?') ? '&' : '?'}${query.toString()}`
  return { target, body, auth: pair }
}

/** The card whose detail tab gets a `URI` in PLACEMENT_OPTIONS, by placement. */
const CARD_PATHS: Record<string, string> = { CRM_DEAL_DETAIL_TAB: 'deal', CRM_LEAD_DETAIL_TAB: 'lead' }

/**
 * PLACEMENT_OPTIONS as the portal fills them: every value a string, and on a deal or lead card tab the
 * card's address in `URI` after `ID`, as the current cloud sends it
 * (`{"ID":"8061","URI":"\/crm\/deal\/details\/8061\/?IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER"}`).
 */
export function placementOptions(placement: string, options: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(options)) out[key] = typeof value === 'string' ? value : String(value)
  const card = CARD_PATHS[placement]
  if (card !== undefined && out.ID !== undefined && !('URI' in out)) {
    const { ID, ...rest } = out
    return { ID, URI: `/crm/${card}/details/${ID}/?IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER`, ...rest }
  }
  return out
}

/** Sends the frame POST from Node, as if a browser had submitted the portal's form. */
export async function framePost(
  state: PortalState, out: Outgoing, url: string, userId: number, placement: string, options: Record<string, string> | null,
): Promise<FakeReply> {
  const request = frameRequest(state, { url, userId, placement, options, appSid: randomHex(16), domain: state.cfg.domain })
  return out.post(request.target, encodeForm(request.body), 'application/x-www-form-urlencoded')
}

/**
 * An update: a new application_token, event bindings removed ("they must be set from scratch in the
 * installer of each version", event-bind.md), then ONAPPUPDATE to the handlers that were bound for it.
 */
export async function updateApp(state: PortalState, version: string | undefined, userId: number): Promise<void> {
  if (!state.app.present) throw new Error('updateApp: the app is not installed')
  const previous = state.app.version
  const next = version ?? (/^\d+$/.test(previous) ? String(Number(previous) + 1) : `${previous}.1`)
  const handlers = state.eventBindings.filter((b) => b.event === 'ONAPPUPDATE' && !b.offline)
  state.eventBindings = []
  // "When the application is deleted or updated, the associated robots are removed" (bizproc-robot-delete.md);
  // the portal's RestService::onRestAppUpdate calls onRestAppDelete.
  state.robots.clear()
  state.app = { ...state.app, applicationToken: randomHex(16), version: next }
  for (const binding of handlers) {
    const payload = {
      ...deliveryHead(state, 'ONAPPUPDATE', binding.id),
      data: { VERSION: next, PREVIOUS_VERSION: previous, LANGUAGE_ID: state.cfg.language },
      ts: '', auth: authWithTokens(state, userId),
    }
    await state.events.sendNow({ event: 'ONAPPUPDATE', url: binding.handler, payload }).catch(() => undefined)
  }
}

/**
 * Uninstall: ONAPPUNINSTALL (no tokens, on-app-uninstall.md) to its handler, then bindings go and
 * every token stops working ("Deleting the app invalidates all tokens").
 */
export async function uninstallApp(state: PortalState, clean: boolean): Promise<void> {
  if (!state.app.present) throw new Error('uninstallApp: the app is not installed')
  const { cfg } = state
  for (const binding of state.eventBindings.filter((b) => b.event === 'ONAPPUNINSTALL' && !b.offline)) {
    const payload = {
      ...deliveryHead(state, 'ONAPPUNINSTALL', binding.id),
      data: { LANGUAGE_ID: cfg.language, CLEAN: clean ? '1' : '0' },
      ts: '',
      auth: {
        domain: cfg.domain, server_endpoint: cfg.serverEndpoint, client_endpoint: cfg.clientEndpoint,
        member_id: cfg.memberId, application_token: state.app.applicationToken ?? '',
      },
    }
    await state.events.sendNow({ event: 'ONAPPUNINSTALL', url: binding.handler, payload }).catch(() => undefined)
  }
  state.eventBindings = []
  state.placementBindings = []
  state.robots.clear()
  state.offline.clear()
  state.tokens.revokeAll()
  state.app = { present: false, finished: false, applicationToken: null, version: state.app.version, installerId: 1, host: null }
}

/** Opens a widget: "registered widgets are not displayed" before installation is finished (placement-bind.md). */
export async function openPlacement(
  state: PortalState, out: Outgoing, o: { placement: string; options: Record<string, string>; userId?: number; url?: string },
): Promise<FakeReply> {
  if (!state.app.present || !state.app.finished) throw new Error('openPlacement: widgets are not shown until installation is finished')
  const placement = o.placement.toUpperCase()
  const handler = o.url ?? state.placementBindings.find((b) => b.placement === placement)?.handler
  if (handler === undefined) throw new Error(`openPlacement: nothing is bound to ${placement}`)
  return framePost(state, out, handler, o.userId ?? 1, placement, placement === 'DEFAULT' ? null : o.options)
}
