// The lead and client rules end to end over real HTTP with the fake portal.
import { afterEach, describe, expect, it } from 'vitest'
import { settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'

let h: Harness
afterEach(async () => h?.close())

// The app with `overrides` over the default rule settings, installed, its first sweep done.
async function start(overrides: Parameters<typeof testSettings>[0] = {}): Promise<void> {
  h = await startHarness({ app: { rules: testSettings(overrides) } })
  await h.portal.installApp({ installUrl: `${h.url}/install` })
  await settle(h)
  h.portal.clearCalls()
}

describe('lead rules end to end', () => {
  const done = () => settle(h)
  const calls = (method: string) => h.portal.calls.filter((call) => call.method === method)

  it('renames ООО "Вектор" to Вектор ООО with one update, one timeline comment and no loop', async () => {
    await start()
    const id = h.portal.data.addLead({ TITLE: 'Вектор: 20 ноутбуков', COMPANY_TITLE: 'ООО "Вектор"' }, { byUserId: 5 })
    await done()
    expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe('Вектор ООО')
    expect(calls('crm.lead.update')).toHaveLength(1)
    expect(calls('crm.lead.update')[0]?.params).toMatchObject({ id, fields: { COMPANY_TITLE: 'Вектор ООО' } })
    expect(h.portal.data.timelineComments).toHaveLength(1)
    expect(h.portal.data.timelineComments[0]).toMatchObject({ entityId: Number(id), entityType: 'lead' })
    expect(h.portal.data.timelineComments[0]?.comment).toContain('«ООО "Вектор"» → «Вектор ООО»')
    const violations = await h.store.violations.all(h.portal.memberId)
    expect(violations).toMatchObject([{ ruleId: 'LEAD-COMPANY-NAME', entityId: id, resolution: 'fixed by the app' }])
    // A second change of the lead does not touch the name again.
    h.portal.data.updateLead(id, { COMMENTS: 'перезвонить' }, { byUserId: 5 })
    await done()
    expect(calls('crm.lead.update')).toHaveLength(1)
  })
})

describe('who is told', () => {
  const notificationsFor = (userId: number) => h.portal.data.notifications.filter((n) => n.userId === userId)

  it('a lead titled Лид #45 tells its responsible once, and the supervisor after the configured time', async () => {
    await start({ rules: { 'LEAD-TITLE': { escalateAfter: 'PT2S' } } })
    const id = h.portal.data.addLead({ TITLE: 'Лид #45', COMPANY_TITLE: 'Вектор ООО' }, { byUserId: 5 })
    await settle(h)
    // Further changes and a duplicate event tell nobody again.
    h.portal.faults.duplicateEvents(2)
    h.portal.data.updateLead(id, { COMMENTS: 'звонил, не дозвонился' }, { byUserId: 5 })
    await settle(h)
    expect(notificationsFor(5)).toHaveLength(1)
    const notice = notificationsFor(5)[0]!
    expect(notice.message).toContain('Правило компании: Название лида раскрывает суть обращения')
    expect(notice.message).toContain(`/crm/lead/details/${id}/]«Лид #45»[/URL]`)
    expect(notice.message).toContain('Что сделать: Переименуйте лид')
    expect(notificationsFor(4)).toHaveLength(0)
    // Anna (5) works in sales, headed by Dmitry (4): he hears of it once the two seconds have passed.
    await new Promise((resolve) => setTimeout(resolve, 2_300))
    await settle(h)
    expect(notificationsFor(4)).toHaveLength(1)
    expect(notificationsFor(4)[0]?.message).toContain('Эскалация: Название лида раскрывает суть обращения')
    expect(notificationsFor(4)[0]?.message).toContain('ответственный: Анна Морозова')
    expect(notificationsFor(5)).toHaveLength(1)
    // The lead's timeline keeps both steps.
    const timeline = h.portal.data.timelineComments.filter((c) => String(c.entityId) === id).map((c) => c.comment)
    expect(timeline).toHaveLength(2)
    expect(timeline[0]).toContain('Отправлено уведомление: Анна Морозова.')
    expect(timeline[1]).toContain('сообщено руководителю: Дмитрий Соколов.')
    expect((await h.store.journal.recent(h.portal.memberId)).map((entry) => entry.kind)).toEqual(
      expect.arrayContaining(['violation.opened', 'notified', 'comment.added', 'violation.escalated']),
    )
  })

  it('a lead renamed in time is not escalated, and its violation is resolved', async () => {
    await start({ rules: { 'LEAD-TITLE': { escalateAfter: 'PT2S' } } })
    const id = h.portal.data.addLead({ TITLE: 'Новый лид' }, { byUserId: 6 })
    await settle(h)
    h.portal.data.updateLead(id, { TITLE: 'Ромашка: 300 стульев' }, { byUserId: 6 })
    await settle(h)
    await new Promise((resolve) => setTimeout(resolve, 2_300))
    await settle(h)
    expect(notificationsFor(6)).toHaveLength(1)
    expect(notificationsFor(4)).toHaveLength(0)
    expect(await h.store.violations.all(h.portal.memberId)).toMatchObject([{ ruleId: 'LEAD-TITLE', resolution: 'complies' }])
  })

  it('a second lead with the same phone written another way tells both responsibles, with links', async () => {
    await start()
    const first = h.portal.data.addLead({ TITLE: 'Ромашка: 300 стульев', PHONE: [{ VALUE: '+7 (495) 123-45-67', VALUE_TYPE: 'WORK' }] }, { byUserId: 5 })
    await settle(h)
    const second = h.portal.data.addLead({ TITLE: 'Ромашка: стулья', PHONE: [{ VALUE: '8 495 1234567', VALUE_TYPE: 'WORK' }] }, { byUserId: 6 })
    await settle(h)
    const toSecond = notificationsFor(6).filter((n) => n.message.includes('CLIENT-DUPLICATE'))
    const toFirst = notificationsFor(5).filter((n) => n.message.includes('CLIENT-DUPLICATE'))
    expect(toSecond).toHaveLength(1)
    expect(toFirst).toHaveLength(1)
    expect(toSecond[0]?.message).toContain(`/crm/lead/details/${second}/`)
    expect(toSecond[0]?.message).toContain('телефон +74951234567')
    // Both sides get a link to the other record.
    expect(toSecond[0]?.message).toContain(`Совпадает с: Лид [URL=${h.portal.url}`)
    expect(toSecond[0]?.message).toContain(`/crm/lead/details/${first}/]«Ромашка: 300 стульев»[/URL]`)
    expect(toFirst[0]?.message).toContain(`/crm/lead/details/${first}/`)
    expect(toFirst[0]?.message).toContain(`/crm/lead/details/${second}/`)
    expect(h.portal.data.lead(first)).toBeDefined()
    expect(h.portal.data.lead(second)).toBeDefined()
  })
})

describe('a client with records of several responsibles', () => {
  it('tells each responsible once per new record: the new one listing the others with links, the others about theirs', async () => {
    await start()
    const phone = [{ VALUE: '+7 (495) 765-43-21', VALUE_TYPE: 'WORK' }]
    const add = async (title: string, byUserId: number) => {
      const id = h.portal.data.addLead({ TITLE: title, COMPANY_TITLE: 'Ромашка АО', PHONE: phone }, { byUserId })
      await settle(h)
      return id
    }
    const a = await add('Ромашка: стулья', 5)
    const b = await add('Ромашка: столы', 6)
    const c = await add('Ромашка: шкафы', 7)
    const d = await add('Ромашка: кресла', 5)
    const told = (userId: number) => h.portal.data.notifications.filter((n) => n.userId === userId && n.message.includes('CLIENT-DUPLICATE')).map((n) => n.message)
    const link = (id: string, title: string) => `/crm/lead/details/${id}/]«${title}»[/URL]`
    // One violation per new record, not one per pair.
    expect((await h.store.violations.all(h.portal.memberId)).filter((v) => v.ruleId === 'CLIENT-DUPLICATE').map((v) => v.entityId)).toEqual([b, c, d])
    // Anna (5): about B and C (her A), and her own D, which lists A, B and C.
    expect(told(5)).toHaveLength(3)
    expect(told(5)[1]).toContain(link(c, 'Ромашка: шкафы'))
    expect(told(5)[1]).toContain(`Касается вашей записи: Лид [URL=${h.portal.url}${link(a, 'Ромашка: стулья')}`)
    expect(told(5)[2]).toContain(`Совпадает с: Лид [URL=${h.portal.url}${link(a, 'Ромашка: стулья')}, Лид [URL=${h.portal.url}${link(b, 'Ромашка: столы')}, Лид [URL=${h.portal.url}${link(c, 'Ромашка: шкафы')}`)
    // Pavel (6): his own B, then C and D about his B; Ekaterina (7): her own C, then D about her C.
    expect(told(6)).toHaveLength(3)
    expect(told(7)).toHaveLength(2)
    expect(told(7)[1]).toContain(link(d, 'Ромашка: кресла'))
    expect(told(7)[1]).toContain(`Касается вашей записи: Лид [URL=${h.portal.url}${link(c, 'Ромашка: шкафы')}`)
  })
})

describe('modes', () => {
  it.each([
    ['off', { opened: 0, notified: 0, updated: 0 }],
    ['report', { opened: 1, notified: 0, updated: 0 }],
    ['notify', { opened: 1, notified: 1, updated: 0 }],
    ['autofix', { opened: 1, notified: 0, updated: 1 }],
  ])('LEAD-COMPANY-NAME in %s mode', async (mode, expected) => {
    await start({ rules: { 'LEAD-COMPANY-NAME': { mode }, 'LEAD-TITLE': { mode: 'off' }, 'LEAD-FIELDS': { mode: 'off' } } })
    const id = h.portal.data.addLead({ TITLE: 'Вектор: ноутбуки', COMPANY_TITLE: '«Вектор», ООО' }, { byUserId: 5 })
    await settle(h)
    expect(await h.store.violations.all(h.portal.memberId)).toHaveLength(expected.opened)
    expect(h.portal.data.notifications.filter((n) => n.userId === 5)).toHaveLength(expected.notified)
    expect(h.portal.calls.filter((call) => call.method === 'crm.lead.update')).toHaveLength(expected.updated)
    expect(h.portal.data.lead(id)?.COMPANY_TITLE).toBe(expected.updated ? 'Вектор ООО' : '«Вектор», ООО')
  })
})

describe('a deal of the same client', () => {
  it("is found through the deal's contact, phone written another way", async () => {
    await start()
    const contact = h.portal.data.addContact({ NAME: 'Иван', LAST_NAME: 'Петров', PHONE: [{ VALUE: '+7 916 123-45-67', VALUE_TYPE: 'MOBILE' }] }, { byUserId: 7 })
    const deal = h.portal.data.addDeal({ TITLE: 'Петров: поставка бумаги', CONTACT_ID: contact, STAGE_ID: 'NEW' }, { byUserId: 7 })
    await settle(h)
    const lead = h.portal.data.addLead({ TITLE: 'Петров: бумага А4', PHONE: [{ VALUE: '89161234567', VALUE_TYPE: 'WORK' }] }, { byUserId: 5 })
    await settle(h)
    const duplicates = (await h.store.violations.all(h.portal.memberId)).filter((v) => v.ruleId === 'CLIENT-DUPLICATE')
    expect(duplicates).toMatchObject([{ entity: 'lead', entityId: lead, variant: '' }])
    const toDealOwner = h.portal.data.notifications.filter((n) => n.userId === 7 && n.message.includes('CLIENT-DUPLICATE'))
    expect(toDealOwner).toHaveLength(1)
    expect(toDealOwner[0]?.message).toContain(`/crm/deal/details/${deal}/`)
  })
})
