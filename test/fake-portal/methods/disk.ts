// The disk methods of the app's storage, each as its page in api-reference/disk/ documents it.
import { isAdmin } from '../domain/directory.js'
import { DISK_TASKS, ROOT_FOLDER_ID, STORAGE_ID, accessTo, addFolder, fileView, folderExists, folderView, storeFile } from '../domain/disk.js'
import { RestError } from '../envelope.js'
import { matchesAll, paginate, parseFilter } from '../list.js'
import type { FakeRight } from '../types.js'
import { isRecord, param, randomToken, str, yn, type Params } from '../util.js'
import { fromPage, ok, type CallContext, type MethodTable } from './registry.js'

export { DISK_TASKS, ROOT_FOLDER_ID, STORAGE_ID, fileView, storeFile }

/** The form field the upload URL takes the file in (the docs' `field`). */
export const UPLOAD_FIELD = 'file'

// `rights: [{TASK_ID, ACCESS_CODE}]`: every TASK_ID one of disk.rights.getTasks', every ACCESS_CODE a letter code and id
// (U, *, D, DR as the pages list them; G, SG as portals use them). No page documents the answer to a bad one: ERROR_ARGUMENT.
function rightsOf(p: Params): FakeRight[] {
  const given = param(p, 'rights')
  if (given === undefined) return []
  const list = Array.isArray(given) ? given : isRecord(given) ? Object.values(given) : []
  return list.map((item) => {
    const taskId = isRecord(item) ? str(item.TASK_ID) : ''
    const accessCode = isRecord(item) ? str(item.ACCESS_CODE) : ''
    if (!DISK_TASKS.some((task) => task.ID === taskId) || !/^(U|D|DR|G|SG)\d+$|^\*$/.test(accessCode)) {
      throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {rights}')
    }
    return { taskId, accessCode }
  })
}

// The storage `id` of disk.storage.*: missing is ERROR_ARGUMENT, another storage ERROR_NOT_FOUND (disk-storage-get-children.md).
function storageOf(p: Params): number {
  const raw = param(p, 'id')
  const id = Number(raw)
  if (raw === undefined || !Number.isFinite(id)) throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {Parameter #0}')
  if (id !== STORAGE_ID) throw new RestError(400, 'ERROR_NOT_FOUND', `Could not find entity with id \`${id}\``)
  return id
}

function nameOf(p: Params): string {
  const data = param(p, 'data')
  return isRecord(data) ? str(data.NAME) : ''
}

/** The disk methods. */
export const diskMethods: MethodTable = {
  // api-reference/disk/storage/disk-storage-get-for-app.md: no parameters; application context and an administrator.
  'disk.storage.getforapp': ({ state, userId }) => {
    if (!isAdmin(state, userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
    return ok({
      ID: String(STORAGE_ID), NAME: state.cfg.clientId, CODE: null, MODULE_ID: 'disk', ENTITY_TYPE: 'restapp',
      ENTITY_ID: '1', ROOT_OBJECT_ID: String(ROOT_FOLDER_ID),
    })
  },

  // api-reference/disk/rights/disk-rights-get-tasks.md: the access levels, for TASK_ID.
  'disk.rights.gettasks': () => ok(DISK_TASKS.map((task) => ({ ...task }))),

  // api-reference/disk/storage/disk-storage-add-folder.md: a folder in the storage's root, made with the `rights` given in the same call.
  'disk.storage.addfolder': ({ state, userId }, p) => {
    storageOf(p)
    const name = nameOf(p)
    if (name === '') throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {Parameter #1}')
    // "Who can execute the method: user with 'Add' access permission for the required storage": the app storage's is the administrators'.
    if (!isAdmin(state, userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied')
    return ok(folderView(state, addFolder(state, { name, rights: rightsOf(p), userId })))
  },

  // api-reference/disk/storage/disk-storage-get-children.md: the root's folders and files (only those the caller may read), `filter`, 50 a page.
  'disk.storage.getchildren': ({ state, userId }, p) => {
    storageOf(p)
    const admin = isAdmin(state, userId)
    const readable = (rights: FakeRight[]) => admin || rights.some((right) => right.accessCode === `U${userId}` || right.accessCode === '*')
    const rows = [
      ...state.store.folders.filter((folder) => folder.parentId === ROOT_FOLDER_ID && readable(folder.rights)).map((folder) => folderView(state, folder)),
      ...state.store.files.filter((file) => file.folderId === ROOT_FOLDER_ID && readable(accessTo(state, file))).map((file) => fileView(state, file)),
    ]
    const conditions = parseFilter(param(p, 'filter'))
    const matching = rows.filter((row) => matchesAll(row, conditions, (r, field) => r[field.toUpperCase()], state.cfg.offset))
    const page = paginate(matching, param(p, 'start'))
    return fromPage(page, page.items)
  },

  // api-reference/disk/folder/disk-folder-upload-file.md: base64 `fileContent` in the call, with `rights`; or, without it, the upload URL.
  'disk.folder.uploadfile': (ctx: CallContext, p) => {
    const folderId = Number(param(p, 'id'))
    if (!Number.isFinite(folderId) || param(p, 'id') === undefined) throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {Parameter #0}')
    if (!folderExists(ctx.state, folderId)) throw new RestError(400, 'ERROR_NOT_FOUND', `Could not find entity with id \`${folderId}\``)
    const name = nameOf(p)
    const generateUniqueName = yn(param(p, 'generateUniqueName')) === 'Y'
    const content = param(p, 'fileContent')
    // Without fileContent the portal uploads nothing: it answers the URL and form field to POST the file to. The
    // documented token carries the folder `id` and `generateUniqueName` only (#uploadurl): `rights` here is not kept.
    if (content === undefined) {
      const token = `disk|${randomToken()}`
      ctx.state.store.uploads.set(token, { folderId, name: name === '' ? null : name, generateUniqueName, userId: ctx.userId })
      return ok({ field: UPLOAD_FIELD, uploadUrl: `${ctx.state.cfg.url}/rest/upload.json?token=${encodeURIComponent(token)}` })
    }
    const rights = rightsOf(p)
    if (name === '') throw new RestError(400, 'DISK_BASE_SERVICE_22001', 'Error: required parameter NAME (DISK_BASE_SERVICE_22001)')
    const parts = Array.isArray(content) ? content : isRecord(content) ? Object.values(content) : []
    if (parts.length < 2) throw new RestError(400, 'ERROR_COULD_NOT_SAVE_FILE', 'Could not save file')
    const bytes = Buffer.from(str(parts[1]), 'base64')
    const file = storeFile(ctx.state, { folderId, name, rights, generateUniqueName, userId: ctx.userId }, bytes, 'base64')
    return ok(fileView(ctx.state, file))
  },
}
