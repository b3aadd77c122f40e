// A department head's folder on the portal's Disk: made once in the app's storage with read access for that head alone,
// so that every report put in it, by either upload route, is readable by the head from the moment it exists.
import { B24Error, type PortalClient } from '../b24/index.js'

/** The app's storage (disk.storage.getforapp) and the id of read access (disk.rights.getTasks). */
export interface DiskTarget { storageId: string; readTaskId: string }

// Characters a Disk name may not hold (the portal's own file dialogs refuse them), and the longest name kept.
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f]+/g
const MAX_NAME = 200

/** The head's folder name, «Отчёты — Анна Морозова (5)» or "Reports — Anna Morozova (5)": the id keeps namesakes apart. */
export function headFolderName(headName: string, headId: string, lang: 'ru' | 'en'): string {
  const name = headName.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME)
  return `${lang === 'ru' ? 'Отчёты' : 'Reports'} — ${name} (${headId})`
}

/**
 * The id of the head's folder in the app storage's root, made when missing with read access for `U<headId>` alone.
 * How the access is known to be there: no documented method reads rights back (disk.folder.get and disk.file.get answer
 * none: api-reference/disk/folder/disk-folder-get.md, disk/file/disk-file-get.md), so the check is disk.storage.addFolder's
 * documented answer: it makes the folder and its `rights` in one call and answers the folder
 * (api-reference/disk/storage/disk-storage-add-folder.md); an error leaves no folder, and no upload happens. A folder of
 * that name exists only as this call made it. Throws the portal's error otherwise.
 */
export async function headFolder(client: PortalClient, target: DiskTarget, headId: string, name: string): Promise<string> {
  const found = await findFolder(client, target.storageId, name)
  if (found !== undefined) return found
  try {
    const made = await client.call<{ ID?: unknown } | null>('disk.storage.addfolder', {
      id: target.storageId, data: { NAME: name }, rights: [{ TASK_ID: target.readTaskId, ACCESS_CODE: `U${headId}` }],
    })
    if (made?.ID === undefined || made.ID === null) throw new Error('disk.storage.addfolder answered without the folder')
    return String(made.ID)
  } catch (error) {
    // DISK_OBJ_22000 "A folder with this name already exists": another run made it since the look-up.
    if (!(error instanceof B24Error) || error.code !== 'DISK_OBJ_22000') throw error
    const again = await findFolder(client, target.storageId, name)
    if (again === undefined) throw error
    return again
  }
}

// The folder of that exact name in the storage's root (disk.storage.getChildren with a `filter` on NAME:
// api-reference/disk/storage/disk-storage-get-children.md), or undefined.
async function findFolder(client: PortalClient, storageId: string, name: string): Promise<string | undefined> {
  const rows = await client.call<Array<{ ID?: unknown; NAME?: unknown; TYPE?: unknown }>>('disk.storage.getchildren', { id: storageId, filter: { NAME: name } })
  const folder = Array.isArray(rows) ? rows.find((row) => row.TYPE === 'folder' && row.NAME === name) : undefined
  return folder?.ID === undefined || folder.ID === null ? undefined : String(folder.ID)
}
