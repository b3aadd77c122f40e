// The directory over real HTTP: the fake portal's company mirrored, supervisors from it, refreshes on a miss, failures.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { supervisorOf, userName } from '../../rules/directory.js'
import { DIRECTORY_COOLDOWN_MS, DIRECTORY_MAX_AGE_MS, DirectorySync } from '../../src/ingest/directory-sync.js'
import { settle, startHarness, type Harness } from '../helpers/harness.js'

describe('directory', () => {
  let h: Harness
  let clock: number
  afterEach(async () => h?.close())

  const installed = async () => {
    h = await startHarness()
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    // The app keeps its own directory from the install on; each test starts from a portal never read.
    await h.app.directorySync.idle()
    await h.store.directory.deletePortal(h.portal.memberId)
    h.portal.clearCalls()
    clock = Date.now()
    return new DirectorySync({ store: h.store, clients: h.app.clients, logger: pino({ level: 'silent' }), now: () => new Date(clock) })
  }
  const memberId = () => h.portal.memberId
  const portalCalls = (method: string) => h.portal.calls.filter((call) => call.method === method).length
  const journal = async (kind: string) => (await h.store.journal.recent(memberId())).filter((entry) => entry.kind === kind)

  it('mirrors the seeded company: 8 users, 3 departments with their heads', async () => {
    const sync = await installed()
    expect(await sync.refresh(memberId())).toEqual({ ok: true, users: 8, departments: 3 })
    const directory = await h.store.directory.load(memberId())
    expect(directory.users.size).toBe(8)
    expect(directory.users.get('5')).toEqual({ id: '5', name: 'Анна Морозова', active: true, departments: ['3'] })
    expect([...directory.departments.values()].sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
      { id: '1', name: 'ООО «Вектор»', parentId: null, headId: '2' },
      { id: '2', name: 'Коммерческая служба', parentId: '1', headId: '3' },
      { id: '3', name: 'Отдел продаж', parentId: '2', headId: '4' },
    ])
    expect(userName(directory, '4')).toBe('Дмитрий Соколов')
    expect(await h.store.directory.syncedAt(memberId())).toEqual(new Date(clock))
    expect((await journal('directory.refreshed'))[0]?.detail).toEqual({ users: 8, departments: 3, leadStatuses: 5 })
  })

  it('names the supervisor: manager → head of sales → commercial director → CEO → nobody', async () => {
    const sync = await installed()
    const directory = await sync.ensureFresh(memberId())
    expect(supervisorOf(directory, '5', {})).toBe('4')
    expect(supervisorOf(directory, '4', {})).toBe('3')
    expect(supervisorOf(directory, '3', {})).toBe('2')
    expect(supervisorOf(directory, '2', {})).toBeUndefined()
    expect(supervisorOf(directory, '8', {})).toBe('3')
  })

  it('mirrors dismissed users too, and reads the list page by page', async () => {
    const sync = await installed()
    h.portal.data.updateUser(6, { ACTIVE: false })
    for (let i = 0; i < 60; i++) h.portal.data.addUser({ NAME: 'Стажёр', LAST_NAME: `Номер ${i}`, UF_DEPARTMENT: [3] })
    await sync.refresh(memberId())
    const directory = await h.store.directory.load(memberId())
    expect(directory.users.size).toBe(68)
    expect(directory.users.get('6')?.active).toBe(false)
    expect(portalCalls('user.get')).toBe(2)
  })

  it('ensureFresh reads the portal once a day, not on every call', async () => {
    const sync = await installed()
    await sync.ensureFresh(memberId())
    await sync.ensureFresh(memberId())
    expect(portalCalls('user.get')).toBe(1)
    clock += DIRECTORY_MAX_AGE_MS
    await sync.ensureFresh(memberId())
    expect(portalCalls('user.get')).toBe(2)
  })

  it('two refreshes of one portal at once read it once', async () => {
    const sync = await installed()
    const [first, second] = await Promise.all([sync.refresh(memberId()), sync.refresh(memberId())])
    expect(first).toEqual(second)
    expect(portalCalls('user.get')).toBe(1)
    expect(portalCalls('department.get')).toBe(1)
  })

  it('a user added in the portal appears after onMiss; a second miss within 10 minutes does not call the portal', async () => {
    const sync = await installed()
    await sync.refresh(memberId())
    const id = h.portal.data.addUser({ NAME: 'Григорий', LAST_NAME: 'Лебедев', UF_DEPARTMENT: [3] })
    h.portal.clearCalls()

    const directory = await sync.onMiss(memberId(), id)
    expect(directory.users.get(id)?.name).toBe('Григорий Лебедев')
    expect(supervisorOf(directory, id, {})).toBe('4')
    expect(portalCalls('user.get')).toBe(1)

    // A known id never calls the portal; an unknown one does at most once per cooldown.
    await sync.onMiss(memberId(), id)
    await sync.onMiss(memberId(), '999')
    clock += DIRECTORY_COOLDOWN_MS - 1
    await Promise.all(Array.from({ length: 20 }, () => sync.onMiss(memberId(), '999')))
    expect(portalCalls('user.get')).toBe(1)
    clock += 1
    await Promise.all(Array.from({ length: 20 }, () => sync.onMiss(memberId(), '999')))
    expect(portalCalls('user.get')).toBe(2)
  })

  it('a failing user.get keeps the old directory', async () => {
    const sync = await installed()
    await sync.refresh(memberId())
    h.portal.data.addUser({ NAME: 'Григорий', LAST_NAME: 'Лебедев', UF_DEPARTMENT: [3] })
    h.portal.faults.fail({ method: 'user.get', status: 403, error: 'ACCESS_DENIED', description: 'Access denied' })
    const result = await sync.refresh(memberId())
    expect(result).toMatchObject({ ok: false })
    expect((await h.store.directory.load(memberId())).users.size).toBe(8)
    expect(await journal('directory.refresh_failed')).toHaveLength(1)
  })

  it('a failure after the users were read stores nothing of them', async () => {
    const sync = await installed()
    await sync.refresh(memberId())
    h.portal.data.addUser({ NAME: 'Григорий', LAST_NAME: 'Лебедев', UF_DEPARTMENT: [3] })
    h.portal.faults.fail({ method: 'department.get', status: 403, error: 'ACCESS_DENIED', description: 'Access denied' })
    expect(await sync.refresh(memberId())).toMatchObject({ ok: false })
    expect((await h.store.directory.load(memberId())).users.size).toBe(8)
    expect(await h.store.directory.syncedAt(memberId())).toEqual(new Date(clock))
  })

  it('after a failure, ensureFresh waits out the cooldown before asking again', async () => {
    const sync = await installed()
    h.portal.faults.fail({ method: 'user.get', status: 403, error: 'ACCESS_DENIED', times: 2 })
    const empty = await sync.ensureFresh(memberId())
    expect(empty.users.size).toBe(0)
    await sync.ensureFresh(memberId())
    expect(portalCalls('user.get')).toBe(1)
    clock += DIRECTORY_COOLDOWN_MS
    await sync.ensureFresh(memberId())
    expect(portalCalls('user.get')).toBe(2)
    clock += DIRECTORY_COOLDOWN_MS
    expect((await sync.ensureFresh(memberId())).users.size).toBe(8)
  })

  it('an unknown portal is logged, not thrown', async () => {
    const sync = await installed()
    expect(await sync.refresh('no-such-portal')).toMatchObject({ ok: false })
    expect((await sync.ensureFresh('no-such-portal')).users.size).toBe(0)
  })

  it('deletePortalData removes the directory', async () => {
    const sync = await installed()
    await sync.refresh(memberId())
    await h.store.deletePortalData(memberId())
    expect((await h.store.directory.load(memberId())).users.size).toBe(0)
    expect(await h.store.directory.syncedAt(memberId())).toBeUndefined()
  })
})
