// im.notify.system.add and im.notify.personal.add (api-reference/chats/notifications/).
import { RestError } from '../envelope.js'
import { LOG_LIMIT } from '../state.js'
import { take } from '../store.js'
import type { FakeNotification } from '../types.js'
import { param, pushBounded, str, toId, type Params } from '../util.js'
import { ok, type CallContext, type Method, type MethodTable } from './registry.js'

const ATTACH_LIMIT = 60_000

function isAttach(value: unknown): boolean {
  if (typeof value !== 'string') return typeof value === 'object' && value !== null
  try {
    const parsed: unknown = JSON.parse(value)
    return typeof parsed === 'object' && parsed !== null
  } catch {
    return false
  }
}

function notify(kind: FakeNotification['kind']): Method {
  return (ctx: CallContext, p: Params) => {
    const userId = toId(param(p, 'USER_ID'))
    if (userId === null) throw new RestError(400, 'USER_ID_EMPTY', "User ID can't be empty")
    // "The method trims whitespace from the edges of the string before sending."
    const message = str(param(p, 'MESSAGE')).trim()
    if (message === '') throw new RestError(400, 'MESSAGE_EMPTY', "Message can't be empty")
    const attach = param(p, 'ATTACH')
    // "An attachment … in object format or JSON string"; longer than 60,000 characters is ATTACH_OVERSIZE.
    if (attach !== undefined && !isAttach(attach)) throw new RestError(400, 'ATTACH_ERROR', 'Incorrect attach params')
    if (attach !== undefined && JSON.stringify(attach).length > ATTACH_LIMIT) {
      throw new RestError(400, 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach')
    }
    const { store } = ctx.state
    // The docs allow `false`: the portal has no such recipient.
    if (store.users.get(userId) === undefined) return ok(false)
    const tag = param(p, 'TAG') === undefined ? null : str(param(p, 'TAG'))
    // "When adding a notification with an existing tag, other notifications will be removed."
    if (tag !== null && tag !== '') store.notifications = store.notifications.filter((n) => n.tag !== tag)
    const id = take(store.notificationSeq)
    pushBounded(store.notifications, {
      id,
      userId,
      fromUserId: kind === 'personal' ? ctx.userId : null,
      message,
      messageOut: param(p, 'MESSAGE_OUT') === undefined ? null : str(param(p, 'MESSAGE_OUT')),
      tag,
      subTag: param(p, 'SUB_TAG') === undefined ? null : str(param(p, 'SUB_TAG')),
      kind,
      at: ctx.state.now(),
    }, LOG_LIMIT)
    return ok(id)
  }
}

/** The notification methods; "personal" is sent on behalf of the token's user, "system" has no author. */
export const imMethods: MethodTable = {
  // api-reference/chats/notifications/im-notify-system-add.md
  'im.notify.system.add': notify('system'),
  // api-reference/chats/notifications/im-notify-personal-add.md
  'im.notify.personal.add': notify('personal'),
}
