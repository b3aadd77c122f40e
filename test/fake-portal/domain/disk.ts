// The app's Disk storage: its root folder, folders made in the root, files in either, and the rights that reach a file.
import { formatIso } from '../clock.js'
import { RestError } from '../envelope.js'
import type { PortalState } from '../state.js'
import { LOG_LIMIT } from '../state.js'
import { take } from '../store.js'
import type { FakeFile, FakeFolder, FakePendingUpload, FakeRight } from '../types.js'
import { pushBounded } from '../util.js'

/** Id of the app's storage (disk.storage.getforapp). */
export const STORAGE_ID = 11
/** Id of its root folder. */
export const ROOT_FOLDER_ID = 21
/** The access levels as the docs' example answer lists them (disk-rights-get-tasks.md). */
export const DISK_TASKS = [
  { ID: '42', NAME: 'disk_access_full', TITLE: 'Full access' },
  { ID: '40', NAME: 'disk_access_edit', TITLE: 'Editing' },
  { ID: '38', NAME: 'disk_access_read', TITLE: 'Reading' },
] as const

/** A folder the fake knows: the root, or one made with disk.storage.addfolder. */
export function folderExists(state: PortalState, id: number): boolean {
  return id === ROOT_FOLDER_ID || state.store.folders.some((folder) => folder.id === id)
}

// Names already used in a folder, by files and folders alike.
function namesIn(state: PortalState, folderId: number): Set<string> {
  const { files, folders } = state.store
  return new Set([...files.filter((f) => f.folderId === folderId), ...folders.filter((f) => f.parentId === folderId)].map((o) => o.name))
}

function uniqueName(taken: Set<string>, name: string): string {
  if (!taken.has(name)) return name
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 1; ; n++) if (!taken.has(`${stem} (${n})${ext}`)) return `${stem} (${n})${ext}`
}

/** Makes a folder in the storage's root with its rights; a name in use is DISK_OBJ_22000 (disk-storage-add-folder.md). */
export function addFolder(state: PortalState, folder: { name: string; rights: FakeRight[]; userId: number }): FakeFolder {
  if (namesIn(state, ROOT_FOLDER_ID).has(folder.name)) throw new RestError(400, 'DISK_OBJ_22000', 'A folder with this name already exists')
  const made: FakeFolder = { id: take(state.store.fileSeq), parentId: ROOT_FOLDER_ID, name: folder.name, createdBy: folder.userId, at: state.now(), rights: folder.rights }
  state.store.folders.push(made)
  return made
}

/**
 * Stores a file in a folder, the name made unique when asked (`avatar (1).jpg`); throws the documented errors.
 * Shared by the base64 upload (which may give rights) and the upload URL's POST (which gives none).
 */
export function storeFile(state: PortalState, upload: FakePendingUpload & { name: string; rights: FakeRight[] }, bytes: Buffer, via: FakeFile['via']): FakeFile {
  const taken = namesIn(state, upload.folderId)
  if (taken.has(upload.name) && !upload.generateUniqueName) throw new RestError(400, 'DISK_OBJ_22000', 'A file with this name already exists')
  const file: FakeFile = {
    id: take(state.store.fileSeq), folderId: upload.folderId, name: uniqueName(taken, upload.name), bytes, createdBy: upload.userId,
    at: state.now(), rights: upload.rights, via,
  }
  pushBounded(state.store.files, file, LOG_LIMIT)
  return file
}

/**
 * Every right that reaches a file: its own, then its folder's — a right given to a folder applies to what the folder
 * holds (rights/index.md: "permissions can be assigned to the entire drive, as well as to individual folders or files").
 * The app's storage itself is shared with nobody.
 */
export function accessTo(state: PortalState, file: FakeFile): FakeRight[] {
  const folder = state.store.folders.find((f) => f.id === file.folderId)
  return [...file.rights, ...(folder?.rights ?? [])]
}

// The path under the storage's root, each part encoded, as DETAIL_URL shows it.
function pathOf(state: PortalState, folderId: number, name: string): string {
  const folder = state.store.folders.find((f) => f.id === folderId)
  return [...(folder ? [folder.name] : []), name].map(encodeURIComponent).join('/')
}

/** The file object disk.folder.uploadfile and disk.storage.getchildren return (disk-folder-upload-file.md). */
export function fileView(state: PortalState, file: FakeFile): Record<string, unknown> {
  const { cfg } = state
  const at = formatIso(file.at, cfg.offset)
  return {
    ID: file.id, NAME: file.name, CODE: null, STORAGE_ID: String(STORAGE_ID), TYPE: 'file', PARENT_ID: String(file.folderId),
    DELETED_TYPE: 0, GLOBAL_CONTENT_VERSION: 1, FILE_ID: file.id, SIZE: String(file.bytes.length), CREATE_TIME: at,
    UPDATE_TIME: at, DELETE_TIME: null, CREATED_BY: String(file.createdBy), UPDATED_BY: String(file.createdBy), DELETED_BY: null,
    DOWNLOAD_URL: `${cfg.url}/rest/download.json?token=${encodeURIComponent(`disk|${file.id}`)}`,
    DETAIL_URL: `${cfg.url}/docs/path/${pathOf(state, file.folderId, file.name)}`,
  }
}

/** The folder object disk.storage.addfolder and disk.storage.getchildren return (disk-storage-add-folder.md). */
export function folderView(state: PortalState, folder: FakeFolder): Record<string, unknown> {
  const { cfg } = state
  const at = formatIso(folder.at, cfg.offset)
  return {
    ID: folder.id, NAME: folder.name, CODE: null, STORAGE_ID: String(STORAGE_ID), TYPE: 'folder', REAL_OBJECT_ID: folder.id,
    PARENT_ID: String(folder.parentId), DELETED_TYPE: 0, CREATE_TIME: at, UPDATE_TIME: at, DELETE_TIME: null,
    CREATED_BY: String(folder.createdBy), UPDATED_BY: String(folder.createdBy), DELETED_BY: null,
    DETAIL_URL: `${cfg.url}/docs/path/${encodeURIComponent(folder.name)}`,
  }
}
