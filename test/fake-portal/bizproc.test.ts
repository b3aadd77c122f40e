// The fake portal's automation: robots registered as bizproc-robot-*.md say, run on documents as real portals run them, answered once.
import { createServer, type Server } from 'node:http'
import qs from 'qs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakePortal, type FakePortal } from './index.js'

interface Received { raw: string; contentType: string; body: Record<string, unknown> }
interface Receiver { url: string; got: Received[]; close(): Promise<void> }

/** A stand-in for the app: records every POST and answers 200. */
async function startReceiver(): Promise<Receiver> {
  const got: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      got.push({ raw, contentType: req.headers['content-type'] ?? '', body: qs.parse(raw, { depth: 10 }) as Record<string, unknown> })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":"ok"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    got,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections() }),
  }
}

interface Reply { status: number; json: Record<string, unknown> }
async function rest(method: string, params: Record<string, unknown>, token = adminToken): Promise<Reply> {
  const res = await fetch(`${portal.clientEndpoint}${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: token }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

let portal: FakePortal
let app: Receiver
let adminToken: string

beforeEach(async () => {
  app = await startReceiver()
  portal = await startFakePortal()
  await portal.installApp({ installUrl: `${app.url}/install` })
  adminToken = String((app.got[0]?.body.auth as Record<string, string>).access_token)
  app.got.length = 0
})
afterEach(async () => {
  await portal.close()
  await app.close()
})

const robot = (code: string, extra: Record<string, unknown> = {}) => ({
  CODE: code,
  HANDLER: `${app.url}/robots`,
  AUTH_USER_ID: 1,
  USE_SUBSCRIPTION: 'Y',
  NAME: { ru: 'Срок в рабочем времени', en: 'Due in working time' },
  PROPERTIES: { amount: { Name: { ru: 'Сколько', en: 'How many' }, Type: 'int', Required: 'Y', Default: 1 }, unit: { Name: 'Unit', Type: 'select', Options: { hours: 'часы', days: 'дни' }, Default: 'hours' }, note: { Name: 'Note', Type: 'string' } },
  RETURN_PROPERTIES: { due: { Name: 'Due', Type: 'datetime' } },
  ...extra,
})

describe('bizproc.robot.add / list / update / delete', () => {
  it('registers, lists, updates and deletes robots; NAME as a string or a language map', async () => {
    expect(await rest('bizproc.robot.add', robot('due_in_working_time'))).toMatchObject({ status: 200, json: { result: true } })
    expect((await rest('bizproc.robot.add', robot('plain.name-1', { NAME: 'Проверить правила' }))).json.result).toBe(true)
    expect((await rest('bizproc.robot.list', {})).json.result).toEqual(['due_in_working_time', 'plain.name-1'])
    expect(portal.data.robots[0]).toMatchObject({ code: 'due_in_working_time', useSubscription: 'Y', name: { ru: 'Срок в рабочем времени', en: 'Due in working time' } })
    expect(portal.data.robots[0]?.properties.unit).toMatchObject({ Type: 'select', Options: { hours: 'часы', days: 'дни' }, Required: 'N', Multiple: 'N' })

    expect((await rest('bizproc.robot.update', { CODE: 'plain.name-1', FIELDS: { USE_SUBSCRIPTION: 'N', NAME: { en: 'Check rules' } } })).json.result).toBe(true)
    expect(portal.data.robots[1]).toMatchObject({ useSubscription: 'N', name: { en: 'Check rules' } })
    expect((await rest('bizproc.robot.delete', { CODE: 'plain.name-1' })).json.result).toBe(true)
    expect((await rest('bizproc.robot.list', {})).json.result).toEqual(['due_in_working_time'])
  })

  it('waits for an answer unless USE_SUBSCRIPTION is N ("empty … is equivalent to waiting")', async () => {
    const { USE_SUBSCRIPTION: _u, ...withoutFlag } = robot('no_flag')
    await rest('bizproc.robot.add', withoutFlag)
    expect(portal.data.robots[0]?.useSubscription).toBe('Y')
  })

  it.each<[string, Record<string, unknown>, number, string, string]>([
    ['a code already registered', {}, 400, 'ERROR_ACTIVITY_ALREADY_INSTALLED', 'Activity or Automation rule already installed!'],
    ['an empty code', { CODE: '' }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Empty activity code!'],
    ['a code with a space', { CODE: 'my robot' }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong activity code!'],
    ['a handler on another domain', { HANDLER: 'https://elsewhere.example/robots' }, 400, 'ERROR_WRONG_HANDLER_URL', 'Wrong handler URL'],
    ['a handler that is not a URL', { HANDLER: 'robots' }, 400, 'ERROR_WRONG_HANDLER_URL', 'Wrong handler URL'],
    ['an ftp handler', { HANDLER: 'ftp://127.0.0.1/robots' }, 400, 'ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol'],
    ['no NAME', { NAME: '' }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Empty activity NAME!'],
    ['PROPERTIES not an object', { PROPERTIES: 'amount' }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong properties array!'],
    ['a property key starting with a digit', { PROPERTIES: { '1st': { Name: 'x', Type: 'string' } } }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong property key 1st!'],
    ['a return property without Name', { RETURN_PROPERTIES: { due: { Type: 'datetime' } } }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Empty property NAME due!'],
    ['an undocumented type', { PROPERTIES: { x: { Name: 'x', Type: 'money' } } }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong properties array!'],
    ['a select without Options', { PROPERTIES: { x: { Name: 'x', Type: 'select' } } }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong properties array!'],
    ['a DOCUMENT_TYPE of two parts', { DOCUMENT_TYPE: ['crm', 'CCrmDocumentDeal'] }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong activity DOCUMENT_TYPE!'],
    ['a FILTER that is a string', { FILTER: 'deals' }, 400, 'ERROR_ACTIVITY_VALIDATION_FAILURE', 'Wrong activity FILTER!'],
  ])('refuses %s', async (_name, change, status, error, description) => {
    await rest('bizproc.robot.add', robot('taken'))
    const reply = await rest('bizproc.robot.add', robot('taken', change))
    expect(reply).toEqual({ status, json: { error, error_description: description } })
    expect(portal.data.robots).toHaveLength(1)
  })

  it('answers the documented errors of list, update and delete, and ACCESS_DENIED to a non-administrator', async () => {
    await rest('bizproc.robot.add', robot('due'))
    expect((await rest('bizproc.robot.update', { CODE: 'nope', FIELDS: { NAME: 'x' } })).json).toEqual({ error: 'ERROR_ACTIVITY_NOT_FOUND', error_description: 'Activity or Automation Rule not found!' })
    expect((await rest('bizproc.robot.update', { CODE: 'due', FIELDS: {} })).json).toEqual({ error: 'ERROR_ACTIVITY_VALIDATION_FAILURE', error_description: 'No fields to update' })
    expect((await rest('bizproc.robot.update', { CODE: 'due', FIELDS: { HANDLER: 'https://elsewhere.example/' } })).json.error).toBe('ERROR_WRONG_HANDLER_URL')
    expect((await rest('bizproc.robot.delete', { CODE: 'nope' })).json).toEqual({ error: 'ERROR_ACTIVITY_NOT_FOUND', error_description: 'Activity or Robot not found!' })
    await portal.openApp({ url: `${app.url}/app`, userId: 5 })
    const managerToken = String(app.got.at(-1)?.body.AUTH_ID)
    for (const method of ['bizproc.robot.add', 'bizproc.robot.list', 'bizproc.robot.delete']) {
      expect(await rest(method, robot('due'), managerToken)).toEqual({ status: 403, json: { error: 'ACCESS_DENIED', error_description: 'Access denied!' } })
    }
  })

  it('removes the app\'s robots when the app is updated or uninstalled (RestService::onRestAppUpdate → onRestAppDelete)', async () => {
    await rest('bizproc.robot.add', robot('due'))
    await portal.updateApp({ version: '2' })
    expect(portal.data.robots).toEqual([])
    const token = String((await portal.installApp({ installUrl: `${app.url}/install` }), (app.got.at(-1)?.body.auth as Record<string, string>).access_token))
    expect((await rest('bizproc.robot.add', robot('due'), token)).json.result).toBe(true)
    await portal.uninstallApp()
    expect(portal.data.robots).toEqual([])
  })
})

describe('portal.data.runRobot', () => {
  it('POSTs the captured shape, form-encoded, to the handler: a lead, defaults for left-out properties, "" for empty ones', async () => {
    await rest('bizproc.robot.add', robot('due'))
    const { reply, run } = await portal.data.runRobot('due', 'LEAD_1505', { amount: '2' })
    expect(reply.status).toBe(200)
    const got = app.got[0]
    expect(got?.contentType).toBe('application/x-www-form-urlencoded')
    expect(got?.raw).toMatch(/^workflow_id=[0-9a-f]{13}\.\d{8}&code=due&document_id%5B0%5D=crm&document_id%5B1%5D=CCrmDocumentLead&document_id%5B2%5D=LEAD_1505&document_type%5B0%5D=crm/)
    const body = got?.body ?? {}
    expect(Object.keys(body)).toEqual(['workflow_id', 'code', 'document_id', 'document_type', 'event_token', 'properties', 'use_subscription', 'timeout_duration', 'ts', 'auth'])
    expect(body).not.toHaveProperty('event')
    expect(body).toMatchObject({
      document_id: ['crm', 'CCrmDocumentLead', 'LEAD_1505'], document_type: ['crm', 'CCrmDocumentLead', 'LEAD'],
      properties: { amount: '2', unit: 'hours', note: '' }, use_subscription: 'Y', timeout_duration: '0', ts: expect.stringMatching(/^\d+$/),
    })
    expect(body.event_token).toBe(run.eventToken)
    expect(run.eventToken).toMatch(/^[0-9a-f]{13}\.\d{8}\|A\d{5}_\d{5}_\d{5}_\d{5}\|[a-z0-9]{32}\.[0-9a-f]{64}$/)
    expect(Object.keys(body.auth as object)).toEqual([
      'access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'user_id', 'refresh_token', 'application_token',
    ])
    expect(body.auth).toMatchObject({ member_id: portal.memberId, application_token: portal.applicationToken, user_id: '1' })
  })

  it.each([
    ['DEAL_17', ['crm', 'CCrmDocumentDeal', 'DEAL_17'], ['crm', 'CCrmDocumentDeal', 'DEAL']],
    ['DYNAMIC_1032_4', ['crm', 'Bitrix\\Crm\\Integration\\BizProc\\Document\\Dynamic', 'DYNAMIC_1032_4'], ['crm', 'Bitrix\\Crm\\Integration\\BizProc\\Document\\Dynamic', 'DYNAMIC_1032']],
  ])('names %s as the portal does', async (documentId, id, type) => {
    await rest('bizproc.robot.add', robot('due'))
    await portal.data.runRobot('due', documentId)
    expect(app.got[0]?.body).toMatchObject({ document_id: id, document_type: type })
  })

  it('leaves use_subscription out as a 2021 capture does, or sends N, and follows the robot\'s user and timeout', async () => {
    await rest('bizproc.robot.add', robot('due', { AUTH_USER_ID: 5 }))
    await portal.data.runRobot('due', 'DEAL_17', {}, { useSubscription: 'absent', timeoutDuration: 660 })
    expect(app.got[0]?.body).not.toHaveProperty('use_subscription')
    expect(app.got[0]?.body).toMatchObject({ timeout_duration: '660', auth: { user_id: '5' } })
    await portal.data.runRobot('due', 'DEAL_17', {}, { useSubscription: 'N' })
    expect(app.got[1]?.body.use_subscription).toBe('N')
  })

  it('runs a robot only where its FILTER offers it', async () => {
    await rest('bizproc.robot.add', robot('deals_only', { FILTER: { INCLUDE: [['crm', 'CCrmDocumentDeal']] } }))
    await expect(portal.data.runRobot('deals_only', 'LEAD_1')).rejects.toThrow(/not offered/)
    await expect(portal.data.runRobot('nope', 'DEAL_1')).rejects.toThrow(/no robot nope/)
    expect((await portal.data.runRobot('deals_only', 'DEAL_1')).reply.status).toBe(200)
  })
})

describe('bizproc.event.send', () => {
  it('records EVENT_TOKEN, the declared RETURN_VALUES and LOG_MESSAGE once; a used or unknown token is ACCESS_DENIED', async () => {
    await rest('bizproc.robot.add', robot('due'))
    const { run } = await portal.data.runRobot('due', 'DEAL_17')
    const send = { EVENT_TOKEN: run.eventToken, RETURN_VALUES: { due: '2026-01-12T10:00:00+03:00', extra: 'x' }, LOG_MESSAGE: 'Срок: 12.01.2026 10:00' }
    expect(await rest('bizproc.event.send', send)).toMatchObject({ status: 200, json: { result: true } })
    expect(portal.data.robotAnswers).toEqual([
      { eventToken: run.eventToken, returnValues: { due: '2026-01-12T10:00:00+03:00' }, dropped: ['extra'], logMessage: 'Срок: 12.01.2026 10:00', userId: 1, at: expect.any(Number) },
    ])
    expect(run.waiting).toBe(false)
    const denied = { status: 403, json: { error: 'ACCESS_DENIED', error_description: 'Access denied!' } }
    expect(await rest('bizproc.event.send', send)).toEqual(denied)
    expect(await rest('bizproc.event.send', { ...send, EVENT_TOKEN: `${run.eventToken}x` })).toEqual(denied)
    expect(await rest('bizproc.event.send', { RETURN_VALUES: {} })).toEqual(denied)
    expect(portal.data.robotAnswers).toHaveLength(1)
  })

  it('is open to any user, and refuses the token of a step that did not wait', async () => {
    await rest('bizproc.robot.add', robot('due'))
    await portal.openApp({ url: `${app.url}/app`, userId: 5 })
    const managerToken = String(app.got.at(-1)?.body.AUTH_ID)
    const waited = await portal.data.runRobot('due', 'LEAD_3')
    expect((await rest('bizproc.event.send', { EVENT_TOKEN: waited.run.eventToken }, managerToken)).json.result).toBe(true)
    expect(portal.data.robotAnswers[0]).toMatchObject({ userId: 5, returnValues: {}, logMessage: '' })
    const fired = await portal.data.runRobot('due', 'LEAD_3', {}, { useSubscription: 'N' })
    expect((await rest('bizproc.event.send', { EVENT_TOKEN: fired.run.eventToken })).status).toBe(403)
  })
})
