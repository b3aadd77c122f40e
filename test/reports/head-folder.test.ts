// Issue 16.4: the head's folder on the Disk — its name, found or made with the head's read access, and a folder made
// meanwhile by another run (DISK_OBJ_22000) taken rather than failed on.
import { describe, expect, it } from 'vitest'
import { B24Error, type PortalClient } from '../../src/b24/index.js'
import { headFolder, headFolderName } from '../../src/reports/head-folder.js'

const TARGET = { storageId: '11', readTaskId: '38' }
const NAME = 'Отчёты — Анна Морозова (5)'

// A client whose answers are scripted per method, in order; it records every call.
function scripted(answers: Record<string, Array<unknown>>): { client: PortalClient; calls: Array<[string, Record<string, unknown>]> } {
  const calls: Array<[string, Record<string, unknown>]> = []
  const client = {
    call: async (method: string, params: Record<string, unknown> = {}) => {
      calls.push([method, params])
      const next = answers[method]?.shift()
      if (next instanceof Error) throw next
      return next
    },
  } as unknown as PortalClient
  return { client, calls }
}

const refused = (code: string, description: string) => new B24Error({ method: 'disk.storage.addfolder', code, description, httpStatus: 400 })

describe('headFolderName', () => {
  it.each([
    ['Анна Морозова', '5', 'ru', 'Отчёты — Анна Морозова (5)'],
    ['Anna Morozova', '5', 'en', 'Reports — Anna Morozova (5)'],
    ['Анна "Ромашка" / Морозова', '5', 'ru', 'Отчёты — Анна Ромашка Морозова (5)'],
    ['  a:b*c?  ', '12', 'en', 'Reports — a b c (12)'],
  ] as const)('%s, %s, %s → %s', (name, id, lang, expected) => {
    expect(headFolderName(name, id, lang)).toBe(expected)
  })
})

describe('headFolder', () => {
  it('takes the folder of that name when the storage has it, and makes nothing', async () => {
    const { client, calls } = scripted({ 'disk.storage.getchildren': [[{ ID: '7', NAME, TYPE: 'folder' }]] })
    await expect(headFolder(client, TARGET, '5', NAME)).resolves.toBe('7')
    expect(calls).toEqual([['disk.storage.getchildren', { id: '11', filter: { NAME } }]])
  })

  it('makes a missing folder with read access for the head alone', async () => {
    const { client, calls } = scripted({ 'disk.storage.getchildren': [[{ ID: '9', NAME, TYPE: 'file' }]], 'disk.storage.addfolder': [{ ID: 8, NAME }] })
    await expect(headFolder(client, TARGET, '5', NAME)).resolves.toBe('8')
    expect(calls[1]).toEqual(['disk.storage.addfolder', { id: '11', data: { NAME }, rights: [{ TASK_ID: '38', ACCESS_CODE: 'U5' }] }])
  })

  it('takes the folder another run made meanwhile (DISK_OBJ_22000)', async () => {
    const { client } = scripted({
      'disk.storage.getchildren': [[], [{ ID: '10', NAME, TYPE: 'folder' }]],
      'disk.storage.addfolder': [refused('DISK_OBJ_22000', 'A folder with this name already exists')],
    })
    await expect(headFolder(client, TARGET, '5', NAME)).resolves.toBe('10')
  })

  it('throws the portal\'s refusal, and an answer without the folder', async () => {
    const denied = scripted({ 'disk.storage.getchildren': [[]], 'disk.storage.addfolder': [refused('ACCESS_DENIED', 'Access denied')] })
    await expect(headFolder(denied.client, TARGET, '5', NAME)).rejects.toMatchObject({ code: 'ACCESS_DENIED' })
    const gone = scripted({ 'disk.storage.getchildren': [[], []], 'disk.storage.addfolder': [refused('DISK_OBJ_22000', 'A folder with this name already exists')] })
    await expect(headFolder(gone.client, TARGET, '5', NAME)).rejects.toMatchObject({ code: 'DISK_OBJ_22000' })
    const empty = scripted({ 'disk.storage.getchildren': [[]], 'disk.storage.addfolder': [null] })
    await expect(headFolder(empty.client, TARGET, '5', NAME)).rejects.toThrow('answered without the folder')
  })
})
