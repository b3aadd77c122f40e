// The robot catalogue: five robots named in Russian and English, whose bizproc.robot.add parameters the fake portal accepts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROBOTS, robotAddParams } from '../../src/robots/catalogue.js'
import { startFakePortal, type FakePortal } from '../fake-portal/index.js'
import { startCapture, type Capture } from '../helpers/capture.js'

let portal: FakePortal
let app: Capture
let token: string

beforeEach(async () => {
  // A stand-in for the app that answers every POST 200 and keeps the install's access token.
  app = await startCapture()
  portal = await startFakePortal()
  await portal.installApp({ installUrl: `${app.url}/install` })
  token = String((await app.next()).auth?.access_token ?? '')
})
afterEach(async () => {
  await portal.close()
  await app.close()
})

async function add(params: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${portal.clientEndpoint}bizproc.robot.add`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, auth: token }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

describe('the robot catalogue', () => {
  it('has the five robots of issue 19, each named and described in Russian and English, with unique codes', () => {
    expect(ROBOTS.map((robot) => robot.name.ru)).toEqual([
      'Проверить правила компании', 'Исправить название компании', 'Срок в рабочем времени', 'Дождаться рабочего времени', 'Сообщить руководителю',
    ])
    expect(new Set(ROBOTS.map((robot) => robot.code)).size).toBe(5)
    for (const robot of ROBOTS) {
      expect(robot.code).toMatch(/^[a-z][a-z0-9_]*$/)
      for (const text of [robot.name, robot.description]) expect(text).toEqual({ ru: expect.stringMatching(/[а-я]/), en: expect.stringMatching(/^[A-Z]/) })
      for (const [key, property] of Object.entries({ ...robot.properties, ...robot.returnProperties })) {
        expect(key).toMatch(/^[a-z][a-z0-9_]*$/)
        expect(property.Name.ru).not.toBe('')
        expect(property.Name.en).not.toBe('')
      }
    }
  })

  it('offers the rule check and the name fix on leads and deals, the time and notice robots on smart-process items too', () => {
    expect(Object.fromEntries(ROBOTS.map((robot) => [robot.code, robot.documents]))).toEqual({
      company_rules_check: ['lead', 'deal'],
      company_name_fix: ['lead', 'deal'],
      working_time_due: ['lead', 'deal', 'item'],
      working_time_wait: ['lead', 'deal', 'item'],
      supervisor_notify: ['lead', 'deal', 'item'],
    })
  })

  it('returns what the automation branches on', () => {
    const returns = Object.fromEntries(ROBOTS.map((robot) => [robot.code, Object.fromEntries(Object.entries(robot.returnProperties).map(([key, p]) => [key, p.Type]))]))
    expect(returns).toEqual({
      company_rules_check: { complies: 'bool', violation_count: 'int', violations: 'text', rule_ids: 'string' },
      company_name_fix: { name_before: 'string', name_after: 'string', changed: 'bool', left_for_person: 'bool' },
      working_time_due: { due: 'datetime' },
      working_time_wait: { resumed_at: 'datetime' },
      supervisor_notify: { notified: 'bool', supervisor: 'user' },
    })
    const check = ROBOTS.find((robot) => robot.code === 'company_rules_check')
    expect(Object.keys(check?.properties.rules?.Options ?? {})).toContain('LEAD-COMPANY-NAME')
    expect(Object.keys(check?.properties.rules?.Options ?? {}).some((id) => id.startsWith('TASK-'))).toBe(false)
  })

  it('builds bizproc.robot.add parameters the fake portal accepts, each robot once, runnable where it is offered', async () => {
    for (const robot of ROBOTS) {
      expect(await add(robotAddParams(robot, { handler: `${app.url}/robots`, authUserId: 1 }))).toMatchObject({ status: 200, json: { result: true } })
    }
    expect(portal.data.robots.map((robot) => robot.code)).toEqual(ROBOTS.map((robot) => robot.code))
    expect(portal.data.robots.every((robot) => robot.useSubscription === 'Y' && robot.handler === `${app.url}/robots`)).toBe(true)
    const again = await add(robotAddParams(ROBOTS[0]!, { handler: `${app.url}/robots`, authUserId: 1 }))
    expect(again.json.error).toBe('ERROR_ACTIVITY_ALREADY_INSTALLED')

    await expect(portal.data.runRobot('company_name_fix', 'DYNAMIC_1032_4')).rejects.toThrow(/not offered/)
    for (const documentId of ['LEAD_1505', 'DEAL_17', 'DYNAMIC_1032_4']) {
      expect((await portal.data.runRobot('working_time_due', documentId, { amount: '2', unit: 'hours' })).reply.status).toBe(200)
    }
  })
})
