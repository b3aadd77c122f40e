// Scheduled delivery of the reports: when a portal's weekly or monthly moment has come, each department head gets the
// department's workbook on the portal's Disk (in the head's folder of the app's storage, readable by that head only) and
// one notification with the links. Each delivery is claimed in the store before its upload, so it happens once per period.
import { PassThrough } from 'node:stream'
import { finished } from 'node:stream/promises'
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import { resolvedCalendarSettings } from '../../rules/calendar/portal-calendar.js'
import { userName, type Directory } from '../../rules/directory.js'
import type { PortalClient, PortalClients } from '../b24/index.js'
import { postToUploadUrl } from '../b24/upload-url.js'
import { languageOf } from '../notify/messages.js'
import type { SettingsSource } from '../settings/portal-settings.js'
import type { StorePort } from '../store/port.js'
import type { Portal } from '../store/portals.js'
import type { Delivery, DeliveredFile } from '../store/report-deliveries.js'
import { isoDate } from '../shared/zoned-days.js'
import { deliveryMessage, deliveryTag } from './delivery-message.js'
import { headFolder, headFolderName, type DiskTarget } from './head-folder.js'
import { prepareReportSource, scopeOf } from './report.js'
import { duePeriods, type DuePeriod } from './schedule.js'
import { writeWorkbook } from './workbook.js'
import { errorMessage } from '../shared/errors.js'

/** Files up to this size go as base64 inside the call; bigger ones by the upload URL (base64 adds a third). */
export const BASE64_LIMIT_BYTES = 1024 * 1024
/** Tries of one upload (one a minute) before it is given up and the head is told of the others. */
export const MAX_UPLOAD_ATTEMPTS = 10
// disk.rights.getTasks: the access level "Reading" (api-reference/disk/rights/disk-rights-get-tasks.md).
const READ_ACCESS = 'disk_access_read'

/** What the deliverer needs. */
export interface ReportDeliveryDeps {
  store: StorePort
  clients: PortalClients
  settings: SettingsSource
  logger: Logger
  now: () => Date
  /** Deadline of the multipart POST to an upload URL. */
  timeoutMs: number
  /** The portal's directory, refreshed when stale; default: the stored one. */
  directory?: (memberId: string) => Promise<Directory>
  /** Tests lower it to send a small workbook the upload-URL way. */
  base64LimitBytes?: number
}

/** Looks every minute (node-cron) whether a period is due, and delivers what is owed; tests call runDue(). */
export class ReportDelivery {
  #task: ScheduledTask | undefined
  // After stop(): a run under way ends after its portal.
  #stopped = false
  #running: Promise<void> | undefined

  constructor(private readonly deps: ReportDeliveryDeps) {}

  /** Looks every minute; which period is due is decided on the app's clock (`now`), not the timer's. */
  start(): void {
    this.#stopped = false
    this.#task = cron.schedule('* * * * *', () => this.runDue(), { noOverlap: true })
  }

  /** Delivers whatever is due now on every active portal; a call during a run joins it (the next minute looks again). */
  runDue(): Promise<void> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  /** Stops the schedule and waits for a run under way. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#task?.destroy()
    await this.#running
  }

  async #run(): Promise<void> {
    for (const portal of await this.deps.store.portals.all()) {
      if (this.#stopped) return
      if (portal.status !== 'active') continue
      try {
        await this.#portal(portal)
      } catch (error) {
        // One portal's trouble (its directory, its storage) does not stop the others'; the next minute tries again.
        this.deps.logger.warn({ memberId: portal.memberId, err: error }, 'scheduled report delivery failed; retried next minute')
      }
    }
  }

  async #portal(portal: Portal): Promise<void> {
    const settings = await this.deps.settings.of(portal.memberId)
    const { timeZone } = resolvedCalendarSettings(settings.calendar, portal.language)
    const due = duePeriods(settings.reports, timeZone, this.deps.now().getTime(), Date.parse(portal.installedAt))
    if (due.length === 0) return
    const directory = this.deps.directory ? await this.deps.directory(portal.memberId) : await this.deps.store.directory.load(portal.memberId)
    for (const period of due) await this.#period(portal, directory, period)
  }

  async #period(portal: Portal, directory: Directory, period: DuePeriod): Promise<void> {
    const { store } = this.deps
    const from = isoDate(period.from)
    const claims: Delivery[] = []
    for (const { departmentId, headId } of headedDepartments(directory)) {
      claims.push(await store.reportDeliveries.claim({ memberId: portal.memberId, kind: period.kind, from, to: isoDate(period.to), departmentId, supervisorId: headId }))
    }
    const pending = claims.filter((delivery) => delivery.state === 'pending')
    if (pending.length > 0) await this.#uploadAll(portal, directory, period, pending)
    await this.#notify(portal, period)
  }

  async #uploadAll(portal: Portal, directory: Directory, period: DuePeriod, pending: Delivery[]): Promise<void> {
    const client = await this.deps.clients.get(portal.memberId)
    let target: DiskTarget
    try {
      target = await diskTarget(client)
    } catch (error) {
      for (const delivery of pending) await this.#failed(delivery, error)
      return
    }
    // The heads' folders met in this run, so that a head of several departments costs one look-up.
    const folders = new Map<string, string>()
    for (const delivery of pending) {
      try {
        const file = await this.#upload(client, portal, directory, period, delivery, target, folders)
        await this.deps.store.reportDeliveries.markUploaded(delivery.id, file)
        await this.deps.store.journal.append(portal.memberId, 'report.uploaded', { kind: delivery.kind, from: delivery.from, departmentId: delivery.departmentId, supervisorId: delivery.supervisorId, fileId: file.id, name: file.name })
        this.deps.logger.info({ memberId: portal.memberId, kind: delivery.kind, from: delivery.from, departmentId: delivery.departmentId, fileId: file.id }, 'scheduled report uploaded')
      } catch (error) {
        await this.#failed(delivery, error)
      }
    }
  }

  async #upload(
    client: PortalClient, portal: Portal, directory: Directory, period: DuePeriod, delivery: Delivery, target: DiskTarget, folders: Map<string, string>,
  ): Promise<DeliveredFile> {
    const lang = languageOf(portal.language)
    const scope = scopeOf(directory, delivery.departmentId, lang)
    if (!scope) throw new Error(`department ${delivery.departmentId} is no longer in the portal's structure`)
    const report = await prepareReportSource({ store: this.deps.store, settings: this.deps.settings, directory }, portal, scope, period)
    const bytes = await workbookBytes(report.data, report.lang, this.deps.now())
    // Read access for the head alone comes with the head's folder, before anything is uploaded: the upload-URL way takes
    // no `rights` (its documented token carries only `id` and `generateUniqueName`: disk-folder-upload-file.md#uploadurl),
    // and a failure here leaves nothing on the Disk, so the retry a minute later uploads the only copy.
    const headId = delivery.supervisorId
    const folderId = folders.get(headId) ?? await headFolder(client, target, headId, headFolderName(userName(directory, headId), headId, report.lang))
    folders.set(headId, folderId)
    const params = { id: folderId, data: { NAME: report.fileName }, generateUniqueName: true }
    const limit = this.deps.base64LimitBytes ?? BASE64_LIMIT_BYTES
    // The base64 way documents `rights` for the file itself: given too, the same read access for the same head.
    const answer = bytes.length <= limit
      ? await client.call('disk.folder.uploadfile', {
        ...params, fileContent: [report.fileName, bytes.toString('base64')], rights: [{ TASK_ID: target.readTaskId, ACCESS_CODE: `U${headId}` }],
      })
      : await this.#viaUploadUrl(client, portal, params, report.fileName, bytes)
    const file = fileOf(answer)
    // The answer's PARENT_ID (disk-folder-upload-file.md) shows the file sits in the head's folder, under its access.
    if (file.parentId !== folderId) throw new Error(`disk.folder.uploadfile put the file in folder ${file.parentId}, not in the head's folder ${folderId}`)
    return { id: file.id, name: file.name, url: file.url }
  }

  async #viaUploadUrl(client: PortalClient, portal: Portal, params: Record<string, unknown>, fileName: string, bytes: Buffer): Promise<unknown> {
    const step = await client.call<{ field?: unknown; uploadUrl?: unknown }>('disk.folder.uploadfile', params)
    if (typeof step?.uploadUrl !== 'string' || typeof step.field !== 'string') throw new Error('disk.folder.uploadfile gave no uploadUrl')
    // The endpoint as stored now: a token refresh may have moved it.
    const clientEndpoint = (await this.deps.store.portals.get(portal.memberId))?.clientEndpoint ?? portal.clientEndpoint
    return postToUploadUrl({ clientEndpoint, uploadUrl: step.uploadUrl, field: step.field, fileName, bytes, timeoutMs: this.deps.timeoutMs })
  }

  async #failed(delivery: Delivery, error: unknown): Promise<void> {
    const message = errorMessage(error)
    await this.deps.store.reportDeliveries.markFailed(delivery.id, message, MAX_UPLOAD_ATTEMPTS)
    const detail = { kind: delivery.kind, from: delivery.from, departmentId: delivery.departmentId, attempt: delivery.attempts + 1, error: message }
    await this.deps.store.journal.append(delivery.memberId, 'report.upload_failed', detail)
    this.deps.logger.warn({ memberId: delivery.memberId, ...detail }, 'scheduled report upload failed; retried next minute')
  }

  // One message per head and period, once none of the head's uploads is still waiting for a retry.
  async #notify(portal: Portal, period: DuePeriod): Promise<void> {
    const { store } = this.deps
    const from = isoDate(period.from)
    const byHead = new Map<string, Delivery[]>()
    for (const delivery of await store.reportDeliveries.ofPeriod(portal.memberId, period.kind, from)) {
      byHead.set(delivery.supervisorId, [...(byHead.get(delivery.supervisorId) ?? []), delivery])
    }
    const lang = languageOf(portal.language)
    for (const [headId, deliveries] of byHead) {
      if (deliveries.some((delivery) => delivery.state === 'pending')) continue
      const owed = deliveries.filter((delivery) => delivery.state === 'uploaded' && delivery.notifiedAt === null)
      if (owed.length === 0) continue
      const links = owed.map((delivery) => ({ name: delivery.fileName ?? '', url: delivery.fileUrl ?? '' }))
      try {
        await (await this.deps.clients.get(portal.memberId)).call('im.notify.system.add', {
          USER_ID: headId, MESSAGE: deliveryMessage(period.kind, period, links, lang), TAG: deliveryTag(portal.memberId, period.kind, from, headId),
        })
      } catch (error) {
        this.deps.logger.warn({ memberId: portal.memberId, kind: period.kind, from, headId, err: error }, 'report notification failed; retried next minute')
        continue
      }
      await store.reportDeliveries.markNotified(owed.map((delivery) => delivery.id))
      await store.journal.append(portal.memberId, 'report.notified', { kind: period.kind, from, supervisorId: headId, files: owed.map((delivery) => delivery.fileId) })
    }
  }
}

/** Every department with a head who is an active user, with that head. */
export function headedDepartments(directory: Directory): Array<{ departmentId: string; headId: string }> {
  const headed: Array<{ departmentId: string; headId: string }> = []
  for (const department of directory.departments.values()) {
    if (department.headId === null) continue
    if (directory.users.get(department.headId)?.active !== true) continue
    headed.push({ departmentId: department.id, headId: department.headId })
  }
  return headed
}

// The app's storage (disk.storage.getforapp creates it if missing) and the id of read access.
async function diskTarget(client: PortalClient): Promise<DiskTarget> {
  const storage = await client.call<{ ID?: unknown }>('disk.storage.getforapp')
  const tasks = await client.call<Array<{ ID?: unknown; NAME?: unknown }>>('disk.rights.getTasks')
  const read = Array.isArray(tasks) ? tasks.find((task) => task.NAME === READ_ACCESS) : undefined
  if (storage?.ID === undefined || storage.ID === null) throw new Error('disk.storage.getforapp gave no ID')
  if (read?.ID === undefined) throw new Error(`disk.rights.getTasks has no ${READ_ACCESS}`)
  return { storageId: String(storage.ID), readTaskId: String(read.ID) }
}

// The file from disk.folder.uploadfile's answer (the same from the upload URL), with the folder it is in.
function fileOf(answer: unknown): DeliveredFile & { parentId: string } {
  const file = answer as { ID?: unknown; NAME?: unknown; DETAIL_URL?: unknown; PARENT_ID?: unknown } | null
  if (!file || file.ID === undefined || typeof file.NAME !== 'string' || typeof file.DETAIL_URL !== 'string' || file.PARENT_ID === undefined) {
    throw new Error('disk.folder.uploadfile answered without the file')
  }
  return { id: String(file.ID), name: file.NAME, url: file.DETAIL_URL, parentId: String(file.PARENT_ID) }
}

// The whole workbook in memory: a department's week is small, and the upload needs its length first.
async function workbookBytes(data: Parameters<typeof writeWorkbook>[0], lang: 'ru' | 'en', created: Date): Promise<Buffer> {
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (chunk: Buffer) => chunks.push(chunk))
  await writeWorkbook(data, sink, lang, created)
  await finished(sink)
  return Buffer.concat(chunks)
}
