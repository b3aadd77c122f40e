// disk.storage.getforapp, disk.folder.uploadfile (base64, or the upload URL: api-reference/disk/folder/
// disk-folder-upload-file.md#uploadurl) and disk.rights.getTasks (api-reference/disk/rights/disk-rights-get-tasks.md).
import { formatIso } from '../clock.js'
import { isAdmin } from '../domain/directory.js'
import { RestError } from '../envelope.js'
import type { PortalState } from '../state.js'
import { LOG_LIMIT } from '../state.js'
import { take } from '../store.js'
import type { FakeFile, FakePendingUpload, FakeRight } from '../types.js'
import { isRecord, param, pushBounded, randomToken, str, yn, type Params } from '../util.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

/** Id of the app's storage (disk.storage.getforapp). */
export const STORAGE_ID = 11
/** Id of its root folder, the only folder uploads may target. */
export const ROOT_FOLDER_ID = 21
/** The access levels as the docs' example answer lists them. */
export const DISK_TASKS = [
  { ID: '42', NAME: 'disk_access_full', TITLE: 'Full access' },
  { ID: '40', NAME: 'disk_access_edit', TITLE: 'Editing' },
  { ID: '38', NAME: 'disk_access_read', TITLE: 'Reading' },
] as const
/** The form field the upload URL takes the file in (the docs' `field`). */
export const UPLOAD_FIELD = 'file'

function uniqueName(files: FakeFile[], folderId: number, name: string): string {
  const taken = new Set(files.filter((f) => f.folderId === folderId).map((f) => f.name))
  if (!taken.has(name)) return name
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 1; ; n++) if (!taken.has(`${stem} (${n})${ext}`)) return `${stem} (${n})${ext}`
}

/** The file object disk.folder.uploadfile returns (disk-folder-upload-file.md). */
export function fileView(state: PortalState, file: FakeFile): Record<string, unknown> {
  const { cfg } = state
  const at = formatIso(file.at, cfg.offset)
  return {
    ID: file.id, NAME: file.name, CODE: null, STORAGE_ID: String(STORAGE_ID), TYPE: 'file', PARENT_ID: String(file.folderId),
    DELETED_TYPE: 0, GLOBAL_CONTENT_VERSION: 1, FILE_ID: file.id, SIZE: String(file.bytes.length), CREATE_TIME: at,
    UPDATE_TIME: at, DELETE_TIME: null, CREATED_BY: String(file.createdBy), UPDATED_BY: String(file.createdBy), DELETED_BY: null,
    DOWNLOAD_URL: `${cfg.url}/rest/download.json?token=${encodeURIComponent(`disk|${file.id}`)}`,
    DETAIL_URL: `${cfg.url}/docs/path/${encodeURIComponent(file.name)}`,
  }
}

/**
 * Stores a file in a folder, the name made unique when asked (`avatar (1).jpg`); throws the documented errors.
 * Shared by the base64 upload and the upload URL's POST.
 */
export function storeFile(state: PortalState, upload: FakePendingUpload & { name: string }, bytes: Buffer, via: FakeFile['via']): FakeFile {
  const { store } = state
  let finalName = upload.name
  if (store.files.some((f) => f.folderId === upload.folderId && f.name === upload.name)) {
    if (!upload.generateUniqueName) throw new RestError(400, 'DISK_OBJ_22000', 'A file with this name already exists')
    finalName = uniqueName(store.files, upload.folderId, upload.name)
  }
  const file: FakeFile = { id: take(store.fileSeq), folderId: upload.folderId, name: finalName, bytes, createdBy: upload.userId, at: state.now(), rights: upload.rights, via }
  pushBounded(store.files, file, LOG_LIMIT)
  return file
}

// `rights: [{TASK_ID, ACCESS_CODE}]`: every TASK_ID one of disk.rights.getTasks', every ACCESS_CODE a letter code and id.
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

/** The disk methods. */
export const diskMethods: MethodTable = {
  'disk.storage.getforapp': ({ state, userId }) => {
    if (!isAdmin(state, userId)) throw new RestError(403, 'ACCESS_DENIED', 'Access denied!')
    return ok({
      ID: String(STORAGE_ID), NAME: state.cfg.clientId, CODE: null, MODULE_ID: 'disk', ENTITY_TYPE: 'restapp',
      ENTITY_ID: '1', ROOT_OBJECT_ID: String(ROOT_FOLDER_ID),
    })
  },

  'disk.rights.gettasks': () => ok(DISK_TASKS.map((task) => ({ ...task }))),

  'disk.folder.uploadfile': (ctx: CallContext, p) => {
    const folderId = Number(param(p, 'id'))
    if (!Number.isFinite(folderId) || param(p, 'id') === undefined) throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {Parameter #0}')
    if (folderId !== ROOT_FOLDER_ID) throw new RestError(400, 'ERROR_NOT_FOUND', `Could not find entity with id \`${folderId}\``)
    const data = param(p, 'data')
    const name = isRecord(data) ? str(data.NAME) : ''
    const rights = rightsOf(p)
    const generateUniqueName = yn(param(p, 'generateUniqueName')) === 'Y'
    const content = param(p, 'fileContent')
    // Without fileContent the portal uploads nothing: it answers the URL and form field to POST the file to.
    if (content === undefined) {
      const token = `disk|${randomToken()}`
      ctx.state.store.uploads.set(token, { folderId, name: name === '' ? null : name, rights, generateUniqueName, userId: ctx.userId })
      return ok({ field: UPLOAD_FIELD, uploadUrl: `${ctx.state.cfg.url}/rest/upload.json?token=${encodeURIComponent(token)}` })
    }
    if (name === '') throw new RestError(400, 'DISK_BASE_SERVICE_22001', 'Error: required parameter NAME (DISK_BASE_SERVICE_22001)')
    const parts = Array.isArray(content) ? content : isRecord(content) ? Object.values(content) : []
    if (parts.length < 2) throw new RestError(400, 'ERROR_COULD_NOT_SAVE_FILE', 'Could not save file')
    const bytes = Buffer.from(str(parts[1]), 'base64')
    const file = storeFile(ctx.state, { folderId, name, rights, generateUniqueName, userId: ctx.userId }, bytes, 'base64')
    return ok(fileView(ctx.state, file))
  },
}
