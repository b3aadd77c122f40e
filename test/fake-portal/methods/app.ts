// Basic methods: app.info, profile, server.time, scope.
import { formatIso } from '../clock.js'
import { isAdmin } from '../domain/directory.js'
import { ok, type MethodTable } from './registry.js'

const LICENSE_TYPES: Record<string, string> = { project: 'project', basic: 'basic', std: 'std', pro: 'pro100', ent: 'ent250' }

/** app.info, profile, server.time and scope (api-reference/common/*). */
export const appMethods: MethodTable = {
  // api-reference/common/system/app-info.md
  'app.info': ({ state }) => {
    const { cfg, app } = state
    const licenseType = LICENSE_TYPES[cfg.licenseFamily] ?? cfg.licenseFamily
    const version = /^\d+$/.test(app.version) ? Number(app.version) : app.version
    return ok({
      ID: 1,
      CODE: cfg.clientId,
      VERSION: version,
      STATUS: 'L',
      INSTALLED: app.finished,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: cfg.language,
      LICENSE: `${cfg.language}_${licenseType}`,
      LICENSE_TYPE: licenseType,
      LICENSE_FAMILY: cfg.licenseFamily,
    })
  },

  // api-reference/common/users/profile.md: "If the user is inactive, the object is empty".
  profile: ({ state, userId }) => {
    const user = state.store.users.get(userId)
    if (user === undefined || user.ACTIVE !== true) return ok({})
    return ok({
      ID: user.ID,
      ADMIN: isAdmin(state, userId),
      NAME: user.NAME,
      LAST_NAME: user.LAST_NAME,
      PERSONAL_GENDER: user.PERSONAL_GENDER,
      TIME_ZONE: user.TIME_ZONE,
    })
  },

  // api-reference/common/system/server-time.md
  'server.time': ({ state }) => ok(formatIso(state.now(), state.cfg.offset)),

  // api-reference/common/system/scope.md: the application's scope; `full` (every permission there is) is not kept.
  scope: ({ state }) => ok(state.cfg.scope.split(',')),
}
