// Parsing the portal's robot calls: the captured shapes in, the document out, a clear 400 for a malformed body.
import Fastify from 'fastify'
import qs from 'qs'
import { describe, expect, it } from 'vitest'
import { registerFormParser } from '../../handlers/form.js'
import { parseRobotCall, robotDocument } from '../../handlers/robot-payload.js'
import { BadRequestError } from '../../src/shared/app-error.js'
import { encodeForm } from '../fake-portal/http.js'
import { startFakePortal } from '../fake-portal/index.js'
import { robotCalls } from '../fixtures/robot-calls.js'

// What the app's form parser (handlers/form.ts) hands a route: qs with its options.
const parsed = (body: string) => qs.parse(body, { depth: 10, parameterLimit: 1000, arrayLimit: 200, allowPrototypes: false })
const lead = robotCalls[0]!
const leadForm = parsed(lead.body) as Record<string, unknown>

describe('parseRobotCall over the captured calls', () => {
  it.each(robotCalls.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const call = parseRobotCall(parsed(fixture.body))
    expect(call).toMatchObject({ code: fixture.expect.code, waits: fixture.expect.waits, properties: fixture.expect.properties })
    expect(call.use_subscription).toBe(fixture.expect.useSubscription)
    expect(call.document_id[2]).toBe(fixture.expect.documentId)
    expect(call.event_token).toContain('|A')
    expect(call.ts).toMatch(/^\d+$/)
    expect(call.auth.member_id).toMatch(/^[0-9a-f]{32}$/)
    expect(call.auth.application_token).toMatch(/^[0-9a-f]{32}$/)
  })

  it('reads the lead of 2021 as a lead, and the contact of 2024 as a document the app does not run robots on', () => {
    expect(parseRobotCall(leadForm).document).toEqual({ entity: 'lead', id: '1505' })
    expect(parseRobotCall(parsed(robotCalls[1]!.body)).document).toEqual({ entity: 'unsupported', documentId: 'CONTACT_109286' })
  })

  it('reads the body the app\'s own form parser produces, through Fastify', async () => {
    const app = Fastify()
    await registerFormParser(app)
    app.post('/robots', async (request) => parseRobotCall(request.body).document)
    const reply = await app.inject({ method: 'POST', url: '/robots', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: lead.body })
    expect(reply.json()).toEqual({ entity: 'lead', id: '1505' })
    await app.close()
  })

  it('reads what the fake portal sends for a deal and a smart-process item, with and without use_subscription', async () => {
    const portal = await startFakePortal()
    try {
      const got: string[] = []
      const app = Fastify()
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => { got.push(String(body)); done(null, {}) })
      app.post('/install', async () => 'ok')
      app.post('/robots', async () => 'ok')
      const url = await app.listen({ port: 0, host: '127.0.0.1' })
      await portal.installApp({ installUrl: `${url}/install` })
      const token = String(new URLSearchParams(got[0]).get('auth[access_token]'))
      await fetch(`${portal.clientEndpoint}bizproc.robot.add`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CODE: 'due', HANDLER: `${url}/robots`, NAME: 'Due', PROPERTIES: { amount: { Name: 'N', Type: 'int' } }, auth: token }),
      })
      await portal.data.runRobot('due', 'DEAL_17', { amount: '3' })
      await portal.data.runRobot('due', 'DYNAMIC_1032_4', {}, { useSubscription: 'absent' })
      await portal.data.runRobot('due', 'LEAD_1505', {}, { useSubscription: 'N' })
      const calls = got.slice(1).map((body) => parseRobotCall(parsed(body)))
      expect(calls.map((call) => [call.document, call.waits, call.properties])).toEqual([
        [{ entity: 'deal', id: '17' }, true, { amount: '3' }],
        [{ entity: 'item', entityTypeId: 1032, id: '4' }, true, { amount: '' }],
        [{ entity: 'lead', id: '1505' }, false, { amount: '' }],
      ])
      expect(calls[0]?.auth).toMatchObject({ member_id: portal.memberId, application_token: portal.applicationToken })
      await app.close()
    } finally {
      await portal.close()
    }
  })
})

describe('robotDocument', () => {
  it.each([
    ['LEAD_1505', { entity: 'lead', id: '1505' }],
    ['DEAL_17', { entity: 'deal', id: '17' }],
    ['DYNAMIC_1032_4', { entity: 'item', entityTypeId: 1032, id: '4' }],
    ['CONTACT_109286', { entity: 'unsupported', documentId: 'CONTACT_109286' }],
    ['2', { entity: 'unsupported', documentId: '2' }],
    ['DEAL_0', { entity: 'unsupported', documentId: 'DEAL_0' }],
    ['DYNAMIC_1032', { entity: 'unsupported', documentId: 'DYNAMIC_1032' }],
  ])('%s', (documentId, document) => {
    expect(robotDocument(documentId)).toEqual(document)
  })
})

describe('parseRobotCall refuses a malformed body with a clear 400', () => {
  const without = (key: string) => Object.fromEntries(Object.entries(leadForm).filter(([k]) => k !== key))
  const withAuth = (auth: Record<string, unknown>) => ({ ...leadForm, auth })
  it.each<[string, unknown, string]>([
    ['an empty body', {}, 'workflow_id is missing'],
    ['no event_token', without('event_token'), 'event_token is missing'],
    ['no code', without('code'), 'code is missing'],
    ['no document_id', without('document_id'), 'document_id is missing'],
    ['a document_id of two parts', { ...leadForm, document_id: ['crm', 'LEAD_1'] }, 'document_id must be three strings (module, object, document)'],
    ['no auth', without('auth'), 'auth is missing'],
    ['no member_id', withAuth({ application_token: 'x' }), 'auth.member_id is missing'],
    ['no application_token', withAuth({ member_id: 'a223c6b3710f85df22e9377d6c4f7553' }), 'auth.application_token is missing'],
    ['a use_subscription of "yes"', { ...leadForm, use_subscription: 'yes' }, 'use_subscription'],
    ['a timeout_duration that is not digits', { ...leadForm, timeout_duration: '-1' }, 'timeout_duration must be a string of digits'],
    ['a property that is an object', { ...leadForm, properties: { string: { a: '1' } } }, 'properties.string'],
  ])('%s', (_name, body, message) => {
    let error: unknown
    try {
      parseRobotCall(body)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error).toMatchObject({ code: 'MALFORMED_ROBOT_CALL', message: expect.stringContaining(message) })
  })

  it('tolerates unknown extra keys, an empty properties block and a ts that is not digits', () => {
    const { properties: _p, ...rest } = leadForm
    const call = parseRobotCall({ ...rest, event: 'SOMETHING', extra: { a: '1' }, ts: 'yesterday' })
    expect(call.properties).toEqual({})
    expect(call.ts).toBeUndefined()
    expect(call).not.toHaveProperty('extra')
  })

  it('round-trips: the fixture bodies are PHP http_build_query output', () => {
    for (const fixture of robotCalls) expect(encodeForm(parsed(fixture.body) as Record<string, unknown>)).toBe(fixture.body)
  })
})
