// The robot calls' store: a call kept once per event_token, handed out until decided, its answer's state read back from
// the outbox by its key, and gone with its portal. Every call is awaited, so the suite runs unchanged on an async port.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { answerKey, type NewRobotCall } from '../../src/store/robot-calls.js'
import { openTestStore, type TestStore } from '../helpers/test-store.js'

const A = 'a223c6b3710f85df22e9377d6c4f7553'
const START = Date.parse('2026-12-05T20:00:00.000Z')

const call = (eventToken: string, extra: Partial<NewRobotCall> = {}): NewRobotCall => ({
  memberId: A, eventToken, code: 'working_time_wait', documentId: 'DEAL_17', entity: 'deal', entityId: '17', entityTypeId: null,
  properties: {}, userId: '1', waits: true, ...extra,
})

describe('robot calls', () => {
  let store: TestStore
  let time = START
  beforeEach(async () => {
    time = START
    store = await openTestStore(() => new Date(time))
    await store.portals.install({
      memberId: A, domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
      accessToken: 'a', refreshToken: 'r', expiresAt: 1_800_000_000, applicationToken: 't', scope: 'crm,bizproc', adminUserId: 1, appStatus: 'L',
      licenseFamily: 'project', language: 'ru',
    })
  })
  afterEach(() => store.close())

  it('keeps a call once per event_token and hands it out until it is decided', async () => {
    expect(await store.robotCalls.accept(call('wf|A1|t1'))).toBe(true)
    expect(await store.robotCalls.accept(call('wf|A1|t1'))).toBe(false)
    expect(await store.robotCalls.portalsWithWork()).toEqual([A])
    const [due] = await store.robotCalls.due(A, 10)
    expect(due).toMatchObject({ eventToken: 'wf|A1|t1', code: 'working_time_wait', entity: 'deal', entityId: '17', waits: true, attempts: 0 })
    await store.robotCalls.retry(due!.id, 'crm.deal.get: timeout', new Date(START + 5_000))
    expect(await store.robotCalls.due(A, 10)).toEqual([])
    expect((await store.robotCalls.nextRetryAt(new Date(START)))?.toISOString()).toBe('2026-12-05T20:00:05.000Z')
    time += 5_000
    expect(await store.robotCalls.due(A, 10)).toHaveLength(1)
  })

  it('a decision lands with its answer in one plan; the record shows the answer waiting, then sent', async () => {
    await store.robotCalls.accept(call('wf|A1|t2'))
    await store.apply({
      memberId: A, unknownUsers: [],
      steps: [
        { op: 'robot.decided', decision: { eventToken: 'wf|A1|t2', returnValues: { resumed_at: '2026-12-07T09:00:00+03:00' }, logMessage: 'Рабочее время', answerAt: '2026-12-07T06:00:00.000Z' } },
        { op: 'action', key: { owner: { text: answerKey('wf|A1|t2') }, parts: [] }, priority: 'fix', payload: { kind: 'answer', eventToken: 'wf|A1|t2', returnValues: { resumed_at: '2026-12-07T09:00:00+03:00' }, logMessage: 'Рабочее время', notBefore: '2026-12-07T06:00:00.000Z', then: [] } },
      ],
    })
    expect(await store.robotCalls.due(A, 10)).toEqual([])
    expect(await store.robotCalls.stats(A)).toEqual({ pending: 0, decided: 1 })
    expect((await store.robotCalls.ofRecord(A, 'deal', '17'))[0]).toMatchObject({ code: 'working_time_wait', decided: true, answer: 'pending', answerAt: '2026-12-07T06:00:00.000Z', returnValues: { resumed_at: '2026-12-07T09:00:00+03:00' } })
    // The outbox holds the answer until its moment, on the store's clock.
    expect(await store.actions.claim(A, 10)).toEqual([])
    time = Date.parse('2026-12-07T06:00:00.000Z')
    const [answer] = await store.actions.claim(A, 10)
    expect(answer).toMatchObject({ key: 'robot:wf|A1|t2', kind: 'answer', payload: { eventToken: 'wf|A1|t2', logMessage: 'Рабочее время' } })
    await store.settle(A, [{ action: answer!, outcome: 'done', then: [] }])
    expect((await store.robotCalls.ofRecord(A, 'deal', '17'))[0]).toMatchObject({ answer: 'done', answeredAt: '2026-12-07T06:00:00.000Z' })
  })

  it('the calls and the robots’ registration go with their portal', async () => {
    await store.robotCalls.accept(call('wf|A1|t3'))
    await store.robotSetups.set(A, { mode: 'unavailable', robots: [], error: 'ERROR_METHOD_NOT_FOUND Method not found!' })
    expect(await store.robotSetups.get(A)).toMatchObject({ mode: 'unavailable', error: 'ERROR_METHOD_NOT_FOUND Method not found!' })
    await store.deletePortalData(A)
    expect(await store.robotCalls.stats(A)).toEqual({ pending: 0, decided: 0 })
    expect(await store.robotSetups.get(A)).toBeUndefined()
  })
})
