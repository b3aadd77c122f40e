// disk.storage.getforapp and disk.folder.uploadfile (the app's own storage; base64 uploads only).
import { formatIso } from '../clock.js'
import { isAdmin } from '../domain/directory.js'
import { RestError } from '../envelope.js'
import { LOG_LIMIT } from '../state.js'
import { take } from '../store.js'
import type { FakeFile } from '../types.js'
import { isRecord, param, pushBounded, str, yn } from '../util.js'
import { ok, type CallContext, type MethodTable } from './registry.js'

/** Id of the app's storage (disk.storage.getforapp). */
export const STORAGE_ID = 11
/** Id of its root folder, the only folder uploads may target. */
export const ROOT_FOLDER_ID = 21

function uniqueName(files: FakeFile[], folderId: number, name: string): string {
  const taken = new Set(files.filter((f) => f.folderId === folderId).map((f) => f.name))
  if (!taken.has(name)) return name
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 1; ; n++) if (!taken.has(`${stem} (${n})${ext}`)) return `${stem} (${n})${ext}`
}

/** The file object disk.folder.uploadfile returns (disk-folder-upload-file.md). */
export function fileView(ctx: CallContext, file: FakeFile): Record<string, unknown> {
  const { cfg } = ctx.state
  const at = formatIso(file.at, cfg.offset)
  return {
    ID: file.id, NAME: file.name, CODE: null, STORAGE_ID: String(STORAGE_ID), TYPE: 'file', PARENT_ID: String(file.folderId),
    DELETED_TYPE: 0, GLOBAL_CONTENT_VERSION: 1, FILE_ID: file.id, SIZE: String(file.bytes.length), CREATE_TIME: at,
    UPDATE_TIME: at, DELETE_TIME: null, CREATED_BY: String(file.createdBy), UPDATED_BY: String(file.createdBy), DELETED_BY: null,
    DOWNLOAD_URL: `${cfg.url}/rest/download.json?token=${encodeURIComponent(`disk|${file.id}`)}`,
    DETAIL_URL: `${cfg.url}/docs/path/${encodeURIComponent(file.name)}`,
  }
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

  'disk.folder.uploadfile': (ctx, p) => {
    const folderId = Number(param(p, 'id'))
    if (!Number.isFinite(folderId) || param(p, 'id') === undefined) throw new RestError(400, 'ERROR_ARGUMENT', 'Invalid value of parameter {Parameter #0}')
    if (folderId !== ROOT_FOLDER_ID) throw new RestError(400, 'ERROR_NOT_FOUND', `Could not find entity with id \`${folderId}\``)
    const data = param(p, 'data')
    const name = isRecord(data) ? str(data.NAME) : ''
    if (name === '') throw new RestError(400, 'DISK_BASE_SERVICE_22001', 'Error: required parameter NAME (DISK_BASE_SERVICE_22001)')
    const content = param(p, 'fileContent')
    const parts = Array.isArray(content) ? content : isRecord(content) ? Object.values(content) : []
    if (parts.length < 2) throw new RestError(400, 'ERROR_ARGUMENT', 'fileContent is required: the fake portal accepts only base64 uploads')
    const { store } = ctx.state
    let finalName = name
    if (store.files.some((f) => f.folderId === folderId && f.name === name)) {
      if (yn(param(p, 'generateUniqueName')) !== 'Y') throw new RestError(400, 'DISK_OBJ_22000', 'A file with this name already exists')
      finalName = uniqueName(store.files, folderId, name)
    }
    const bytes = Buffer.from(str(parts[1]), 'base64')
    const file: FakeFile = { id: take(store.fileSeq), folderId, name: finalName, bytes, createdBy: ctx.userId, at: ctx.state.now() }
    pushBounded(store.files, file, LOG_LIMIT)
    return ok(fileView(ctx, file))
  },
}
