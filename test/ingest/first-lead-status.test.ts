// The first lead status is read from the portal with the directory: a portal that starts leads elsewhere is judged right.
import { afterEach, describe, expect, it } from 'vitest'
import { settle, startHarness, type Harness } from '../helpers/harness.js'

describe('lead statuses from the portal', () => {
  let h: Harness | undefined
  afterEach(async () => h?.close())

  it('a lead in the portal’s own first status is not "past the first status"; a lead in NEW then is', async () => {
    const harness = await startHarness()
    h = harness
    await harness.portal.installApp({ installUrl: `${harness.url}/install` })
    await settle(harness)
    const client = await harness.app.clients.get(harness.portal.memberId)
    await client.call('crm.status.add', { fields: { ENTITY_ID: 'STATUS', STATUS_ID: 'UC_INBOX', NAME: 'Входящие', SORT: 5 } })
    await harness.app.directorySync.refresh(harness.portal.memberId)
    expect((await harness.store.directory.leadStatuses(harness.portal.memberId)).map((s) => s.statusId)).toContain('UC_INBOX')

    // Both leads lack the contact's name, phone and comment (LEAD-FIELDS).
    const inbox = harness.portal.data.addLead({ TITLE: 'Вектор: 20 столов', COMPANY_TITLE: 'Вектор ООО', STATUS_ID: 'UC_INBOX' }, { byUserId: 5 })
    const taken = harness.portal.data.addLead({ TITLE: 'Вектор: 30 стульев', COMPANY_TITLE: 'Вектор ООО', STATUS_ID: 'NEW' }, { byUserId: 5 })
    await settle(harness)
    const fieldsViolations = async (id: string) => (await harness.store.violations.openFor(harness.portal.memberId, 'lead', id)).filter((v) => v.ruleId === 'LEAD-FIELDS')
    expect(await fieldsViolations(inbox)).toEqual([])
    expect(await fieldsViolations(taken)).toHaveLength(1)
  })
})
