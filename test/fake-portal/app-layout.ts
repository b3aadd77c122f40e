// The portal's side of the app frame protocol, as browser script: what bitrix/js/rest/applayout.js does.
//
// The protocol, as read in @bitrix24/b24jssdk 2.2.0 (dist/esm/*.mjs.map sourcesContent: src/loader-b24frame.ts,
// src/frame/frame.ts, src/frame/message/controller.ts, src/frame/b24.ts) and in the portal's own code
// (bitrix-core-business: modules/rest/install/js/rest/applayout.js,
// components/bitrix/app.layout/component.php and templates/.default/template.php):
//
// - The portal page holds `<iframe name="HOST|PROTOCOL|APP_SID">` and a form with target=that name,
//   action `APP_URL?DOMAIN=HOST&PROTOCOL=0|1&LANG=ru&APP_SID=…`, which it submits (the frame POST).
//   APP_URL is the install path while the app is not installed and the user is an admin (INSTALL=true),
//   the handler path otherwise. The SDK reads only window.name; no name → JSSDK_CLIENT_SIDE_WARNING.
// - Frame → portal: `parent.postMessage('command:paramsJSON:callbackId:APP_SID', 'http(s)://HOST')`;
//   without params the middle part is left out (`getInitData:cb:sid`). Commands whose name holds ':' go
//   as an object `{method, params, callback, appSid}`. The portal takes the first part as the command,
//   the last two as callback and APP_SID, and joins the rest (JSON may hold ':').
// - The portal drops a message unless its origin is the app's (scheme://host[:port] of APP_URL) and its
//   APP_SID is this frame's; unknown commands get no answer.
// - Portal → frame: `frame.contentWindow.postMessage('callbackId:' + JSON.stringify(result), appOrigin)`.
//   The SDK drops messages whose origin is not `http(s)://HOST` (from window.name) and settles the
//   promise stored under callbackId.
// - getInitData → {LANG, DOMAIN, PROTOCOL (0|1), PATH ('/rest'), AUTH_ID, AUTH_EXPIRES (string), REFRESH_ID,
//   MEMBER_ID, FIRST_RUN, IS_ADMIN, INSTALL, USER_OPTIONS, APP_OPTIONS, PLACEMENT, PLACEMENT_OPTIONS}.
//   B24Frame.init() waits for it (no timeout) and, when FIRST_RUN, for the answer to
//   `setInstall {"install":true}` too.
// - installFinish() rejects unless INSTALL was true, then sends `setInstallFinish` and waits with no
//   timeout. The portal never answers it: it POSTs action=set_installed to
//   /bitrix/components/bitrix/app.layout/lazyload.ajax.php and reloads its own page with
//   install_finished=Y|N, which replaces the frame. The app's promise therefore never settles.
// - refreshAuth → the portal asks its server (action=access_refresh) and answers {AUTH_ID, AUTH_EXPIRES, REFRESH_ID}.
// - openPath: the SDK (src/frame/slider.ts, `openPath(url: URL)`) posts `openPath:{"path":…}` where path is a
//   width prefix (`/crm/deal/../..`), the URL's pathname and its search with IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER;
//   a bare path never gets here (`new URL(path)` throws in the app's frame). applayout.js
//   (BX.rest.AppLayout.openPath) answers {result:'error', errorCode:'METHOD_NOT_SUPPORTED_ON_DEVICE'} on a mobile
//   browser (BX.browser.IsMobile, main/core/core.js: the user agent), {result:'error', errorCode:
//   'PATH_NOT_AVAILABLE'} to a path outside its list, else adds `from=rest_placement&from_app=<CLIENT_ID>` and opens
//   the path in its side slider (BX.SidePanel), answering {result:'close'} when the slider is closed.
//
// This fake answers getInitData, setInstall, setInstallFinish, refreshAuth, resizeWindow, setTitle, setScroll
// and openPath as the portal does; its slider is an `aside.side-panel` holding the path asked (`data-path`) and
// the address it opened (`data-url`), which a test reads. Every other command (selectUser, setAppOption…) is
// ignored as an unknown one would be, with a console warning so a test can see what the app asked for.

/** What the page hands to the script; all of it lands in getInitData or in the checks. */
export interface LayoutParams {
  appSid: string
  /** The application's CLIENT_ID (component.php: APP_ID), which openPath names in `from_app`. */
  appCode: string
  /** openPath opens `/crm/type/…` (smart processes), as portals do since 22.300. */
  smartProcessPaths: boolean
  appOrigin: string
  frameId: string
  formName: string
  ajaxUrl: string
  sessid: string
  initData: Record<string, unknown>
}

/** The script that answers the frame; it submits the form last, once it listens. */
export function layoutScript(params: LayoutParams): string {
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(params).replace(/</g, '\\u003c')
  return `(function (p) {
  var frame = document.getElementById(p.frameId)
  function split(s) {
    var r = s.split(':')
    return [r[0], r.slice(1, r.length - 2).join(':'), r[r.length - 2], r[r.length - 1]]
  }
  function query(data) {
    var body = new URLSearchParams({ sessid: p.sessid })
    Object.keys(data).forEach(function (key) { body.set(key, data[key]) })
    return fetch(p.ajaxUrl, { method: 'POST', body: body }).then(function (r) { return r.json() })
  }
  var commands = {
    getInitData: function (args, cb) {
      cb(p.initData)
      p.initData.FIRST_RUN = false
    },
    setInstall: function (args, cb) {
      query({ action: 'user_option_install', install: args.install ? '1' : '0' })
      cb(args)
    },
    setInstallFinish: function (args) {
      var v = typeof args.value === 'undefined' || args.value !== false ? 'Y' : 'N'
      query({ action: 'set_installed', v: v }).then(function (data) {
        var url = new URL(location.href)
        url.searchParams.set('install_finished', data.result ? 'Y' : 'N')
        location.href = url.toString()
      })
    },
    refreshAuth: function (args, cb) {
      query({ action: 'access_refresh' }).then(function (data) {
        if (!data.access_token) return
        p.initData.AUTH_ID = data.access_token
        p.initData.AUTH_EXPIRES = data.expires_in
        p.initData.REFRESH_ID = data.refresh_token
        cb({ AUTH_ID: data.access_token, AUTH_EXPIRES: data.expires_in, REFRESH_ID: data.refresh_token })
      })
    },
    resizeWindow: function (args, cb) {
      var layout = frame.parentNode
      if (args.width) layout.style.width = args.width === '100%' ? '100%' : (parseInt(args.width, 10) || 100) + 'px'
      if (parseInt(args.height, 10)) layout.style.height = parseInt(args.height, 10) + 'px'
      cb({ width: layout.offsetWidth, height: layout.offsetHeight })
    },
    setTitle: function (args, cb) { document.title = String(args.title); cb(args) },
    setScroll: function (args, cb) { cb(args) },
    openPath: function (args, cb) {
      var path = typeof args.path === 'string' ? args.path : ''
      if (/(ipad|iphone|android|mobile|touch)/i.test(navigator.userAgent)) return cb({ result: 'error', errorCode: 'METHOD_NOT_SUPPORTED_ON_DEVICE' })
      if (path === '' || !AVAILABLE_PATH.test(path)) return cb({ result: 'error', errorCode: 'PATH_NOT_AVAILABLE' })
      slider(path + (path.indexOf('?') === -1 ? '?' : '&') + 'from=rest_placement&from_app=' + p.appCode, function () { cb({ result: 'close' }) })
    }
  }
  // applayout.js availablePath: what openPath lets into the slider; 'type' (smart processes) since 22.300
  // (bx24-open-path.md; the SDK's @memo in slider.ts has it).
  var AVAILABLE_PATH = p.smartProcessPaths
    ? /^\\/(crm\\/(deal|lead|contact|company|type)|marketplace|company\\/personal\\/user\\/[0-9]+|workgroups\\/group\\/[0-9]+)\\//
    : /^\\/(crm\\/(deal|lead|contact|company)|marketplace|company\\/personal\\/user\\/[0-9]+|workgroups\\/group\\/[0-9]+)\\//
  // The side slider loads the path on the portal's own origin; its address shows at the top, closing it answers the app.
  function slider(path, onClose) {
    var panel = document.createElement('aside')
    panel.className = 'side-panel'
    panel.dataset.path = path
    panel.dataset.url = new URL(path, location.href).href
    var address = document.createElement('p')
    address.className = 'address'
    address.textContent = panel.dataset.url
    var close = document.createElement('button')
    close.type = 'button'
    close.textContent = 'Закрыть'
    close.addEventListener('click', function () { panel.remove(); onClose() })
    panel.append(address, close)
    document.body.append(panel)
  }
  window.addEventListener('message', function (e) {
    if (e.origin !== p.appOrigin) return
    var method, args = [], cb, sid
    if (typeof e.data === 'string') {
      var cmd = split(e.data)
      method = cmd[0]; cb = cmd[2]; sid = cmd[3]
      if (cmd[1]) args = JSON.parse(cmd[1])
    } else if (e.data !== null && typeof e.data === 'object') {
      method = e.data.method; cb = e.data.callback; sid = e.data.appSid; args = e.data.params || []
    } else {
      return
    }
    if (sid !== p.appSid) return
    if (!Object.prototype.hasOwnProperty.call(commands, method)) {
      console.warn('fake portal: no answer to ' + method)
      return
    }
    commands[method](args, function (result) {
      if (!cb || !frame.contentWindow) return
      frame.contentWindow.postMessage(cb + ':' + (typeof result === 'undefined' ? '' : JSON.stringify(result)), p.appOrigin)
    })
  })
  document.forms[p.formName].submit()
})(${json})`
}
