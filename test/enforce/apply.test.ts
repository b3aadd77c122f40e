// store.apply(plan) and store.settle(results) on an in-memory store: a plan applied twice changes nothing the second
// time; what follows a sent fix (its violation resolved, the journal, its comment) comes from the plan, not the executor.
import { afterEach, describe, expect, it } from 'vitest'
import { actionKey, type Plan } from '../../src/store/plan.js'
import { followUpsOf } from '../../src/notify/follow-ups.js'
import { openTestStore, type TestStore } from '../helpers/test-store.js'

const MEMBER = 'm1'
const now = new Date('2026-12-07T09:16:00.000Z')
let store: TestStore
afterEach(() => store?.close())

// A store with the portal installed: its rows belong to it (the schema's foreign keys).
async function installedStore(): Promise<TestStore> {
  const opened = await openTestStore(() => now)
  await opened.portals.install({
    memberId: MEMBER, domain: 'acme.bitrix24.ru', clientEndpoint: 'https://acme.bitrix24.ru/rest', serverEndpoint: 'https://oauth.bitrix.info/rest/',
    accessToken: 'a', refreshToken: 'r', expiresAt: 1_800_000_000, applicationToken: 't', scope: 'crm', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru',
  })
  return opened
}

const violation = { ruleId: 'LEAD-COMPANY-NAME', ruleVersion: 1, entity: 'lead' as const, entityId: '45', variant: '', responsibleId: '5', message: { problem: { ru: 'п', en: 'p' }, todo: { ru: 'т', en: 't' } } }
const fixPlan = (): Plan => {
  const ref = { ref: 'v1' }
  return {
    memberId: MEMBER, unknownUsers: [],
    steps: [
      { op: 'violation.open', ref: 'v1', violation, journal: { ruleId: 'LEAD-COMPANY-NAME', entity: 'lead', entityId: '45' } },
      {
        op: 'action', key: actionKey({ violation: ref }, 'fix'), priority: 'fix',
        payload: {
          kind: 'fix', violation: ref, ruleId: 'LEAD-COMPANY-NAME', entity: 'lead', entityId: '45', fields: { COMPANY_TITLE: 'Вектор ООО' }, describe: { ru: 'и', en: 'f' },
          then: [
            { op: 'violation.resolve', violation: ref, resolution: 'fixed by the app' },
            { op: 'journal', kind: 'fix.applied', violation: ref, detail: { entity: 'lead', entityId: '45' } },
            { op: 'action', key: actionKey({ violation: ref }, 'comment'), priority: 'notice', payload: { kind: 'comment', violation: ref, entity: 'lead', entityId: '45', comment: 'исправлено', then: [] } },
          ],
        },
      },
    ],
  }
}

describe('store.apply and store.settle', () => {
  it('a plan applied twice opens one violation, plans one fix, journals once', async () => {
    store = await installedStore()
    await store.apply(fixPlan())
    await store.apply(fixPlan())
    const [opened] = await store.violations.all(MEMBER)
    expect(await store.violations.all(MEMBER)).toHaveLength(1)
    expect((await store.actions.inState(MEMBER, 'pending')).map((action) => action.key)).toEqual([`v${opened!.id}:fix`])
    expect((await store.journal.recent(MEMBER)).filter((entry) => entry.kind === 'violation.opened')).toHaveLength(1)
  })

  it('a sent fix settles with what the plan said follows it: resolved, journaled, its comment planned', async () => {
    store = await installedStore()
    await store.apply(fixPlan())
    const [fix] = await store.actions.claim(MEMBER, 10)
    await store.settle(MEMBER, [{ action: fix!, outcome: 'done', then: followUpsOf(fix!, 'ru') }])
    const [violation] = await store.violations.all(MEMBER)
    expect(violation).toMatchObject({ resolution: 'fixed by the app' })
    expect((await store.actions.inState(MEMBER, 'pending')).map((action) => [action.key, action.payload.comment])).toEqual([[`v${violation!.id}:comment`, 'исправлено']])
    const journal = (await store.journal.recent(MEMBER)).filter((entry) => entry.kind === 'fix.applied')
    expect(journal.map((entry) => entry.detail)).toEqual([{ violationId: violation!.id, entity: 'lead', entityId: '45' }])
  })
})
