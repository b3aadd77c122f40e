// The robots as the portal runs them (the fake's runRobot POSTs the captured call to /robots): each answers through
// exactly one bizproc.event.send with its return values, on leads, deals and smart-process items, on the app's clock.
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_WEEK } from '../../rules/calendar/hours.js'
import { postForm, startHarness, testSettings, type Harness } from '../helpers/harness.js'

interface Clocked extends Harness {
  move(ms: number): Promise<void>
}

let h: Clocked

/** The pair on one clock that starts at `at` and moves only when the test says (plus the little wall time that passes). */
async function start(at: string, rules: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<Clocked> {
  let base = Date.parse(at)
  const startedAt = Date.now()
  const now = () => base + (Date.now() - startedAt)
  const harness = await startHarness({ env, portal: { now }, app: { now: () => new Date(now()), rules: testSettings({ calendar: { hours: DEFAULT_WEEK }, ...rules }) } })
  await harness.portal.installApp({ installUrl: `${harness.url}/install` })
  await done(harness)
  return {
    ...harness,
    async move(ms: number) {
      base += ms
      harness.app.executor.wake(harness.portal.memberId)
      await done(harness)
    },
  }
}

// The call decided and what it planned sent (an answer waiting for its moment stays waiting).
async function done(harness: Harness): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await harness.portal.flushEvents()
    await harness.app.worker.idle()
    await harness.app.robots.idle()
    await harness.app.executor.idle()
  }
}

const answersTo = (token: string) => h.portal.data.robotAnswers.filter((answer) => answer.eventToken === token)
const sends = () => h.portal.calls.filter((call) => call.method === 'bizproc.event.send')

async function run(code: string, documentId: string, properties: Record<string, unknown> = {}) {
  const { reply, run: robotRun } = await h.portal.data.runRobot(code, documentId, properties)
  expect(reply.status).toBe(200)
  await done(h)
  return robotRun
}

afterEach(async () => h?.close())

describe('«Срок в рабочем времени»', () => {
  it('30.12.2025 17:00 + 2 working hours is 12.01.2026 10:00 in Moscow, on a lead, a deal and a smart-process item', async () => {
    h = await start('2026-12-01T09:00:00Z')
    const lead = h.portal.data.addLead({ TITLE: 'Заявка с сайта', ASSIGNED_BY_ID: '5' })
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка', ASSIGNED_BY_ID: '5' })
    const item = h.portal.data.addSmartItem(1032, { title: 'Договор', assignedById: 5 })
    h.portal.clearCalls()
    for (const documentId of [`LEAD_${lead}`, `DEAL_${deal}`, `DYNAMIC_1032_${item}`]) {
      const call = await run('working_time_due', documentId, { start: '30.12.2025 17:00', amount: '2', unit: 'hours' })
      expect(answersTo(call.eventToken), documentId).toEqual([
        expect.objectContaining({ returnValues: { due: '2026-01-12T10:00:00+03:00' }, logMessage: 'Срок: 12.01.2026, 10:00 (Москва, Санкт-Петербург (МСК)).' }),
      ])
    }
    expect(sends()).toHaveLength(3)
  })

  it('an empty start counts from now; a date it cannot read ends the step with the error in the log', async () => {
    h = await start('2026-12-04T14:00:00Z') // Friday 17:00 in Moscow
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    const due = await run('working_time_due', `DEAL_${deal}`, { start: '', amount: '1', unit: 'days' })
    expect(answersTo(due.eventToken)[0]?.returnValues).toEqual({ due: '2026-12-07T17:00:00+03:00' })
    const bad = await run('working_time_due', `DEAL_${deal}`, { start: 'завтра', amount: '1', unit: 'days' })
    expect(answersTo(bad.eventToken)).toEqual([expect.objectContaining({ returnValues: {}, logMessage: expect.stringContaining('дата «завтра» не распознана') })])
  })
})

describe('«Дождаться рабочего времени»', () => {
  it('called Saturday 23:00 it answers Monday 09:00, once', async () => {
    h = await start('2026-12-05T20:00:00Z') // Saturday 23:00 in Moscow
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    const call = await run('working_time_wait', `DEAL_${deal}`)
    expect(answersTo(call.eventToken)).toEqual([])
    await h.move(33 * 3_600_000 + 58 * 60_000) // Monday 08:58
    expect(answersTo(call.eventToken)).toEqual([])
    await h.move(2 * 60_000 + 1_000) // Monday 09:00
    expect(answersTo(call.eventToken)).toEqual([expect.objectContaining({ returnValues: { resumed_at: '2026-12-07T09:00:00+03:00' } })])
    await h.move(3_600_000)
    expect(answersTo(call.eventToken)).toHaveLength(1)
    expect(sends()).toHaveLength(1)
  })
})

describe('«Проверить правила компании»', () => {
  it('a lead that breaks rules: complies N, how many, which, in the portal language; the chosen rules only; a clean deal complies', async () => {
    h = await start('2026-12-01T09:00:00Z', { rules: { 'LEAD-COMPANY-NAME': { mode: 'report' } } })
    const lead = h.portal.data.addLead({ TITLE: 'Заявка', COMPANY_TITLE: 'ООО "Вектор"', ASSIGNED_BY_ID: '5' })
    const all = await run('company_rules_check', `LEAD_${lead}`)
    const [answer] = answersTo(all.eventToken)
    expect(answer?.returnValues).toMatchObject({ complies: 'N', rule_ids: expect.arrayContaining(['LEAD-COMPANY-NAME']) })
    expect(Number(answer?.returnValues.violation_count)).toBe((answer?.returnValues.rule_ids as string[]).length)
    expect(answer?.returnValues.violations).toContain('LEAD-COMPANY-NAME «Название компании без кавычек, форма собственности после названия»: Название компании «ООО "Вектор"» записано не по правилам')
    expect(answer?.logMessage).toMatch(/^Нарушено правил: \d+\./)
    const chosen = await run('company_rules_check', `LEAD_${lead}`, { rules: ['LEAD-COMPANY-NAME'] })
    expect(answersTo(chosen.eventToken)[0]?.returnValues).toMatchObject({ complies: 'N', violation_count: '1', rule_ids: ['LEAD-COMPANY-NAME'] })
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка', ASSIGNED_BY_ID: '5' })
    const clean = await run('company_rules_check', `DEAL_${deal}`)
    // Every value reaches the portal as a string; an empty list is no key at all (http_build_query).
    expect(answersTo(clean.eventToken)[0]).toMatchObject({ returnValues: { complies: 'Y', violation_count: '0', violations: '' }, logMessage: 'Правила компании соблюдены.' })
  })

  it('a record that is gone answers with the error rather than leaving the step waiting', async () => {
    h = await start('2026-12-01T09:00:00Z')
    const lead = h.portal.data.addLead({ TITLE: 'Заявка' })
    h.portal.data.deleteLead(lead)
    const call = await run('company_rules_check', `LEAD_${lead}`)
    expect(answersTo(call.eventToken)).toEqual([expect.objectContaining({ returnValues: {}, logMessage: `Ошибка: запись LEAD_${lead} не найдена (удалена?). Робот не выполнен.` })])
  })
})

describe('«Исправить название компании»', () => {
  it("fixes a lead's COMPANY_TITLE and a deal's company TITLE now, and says what it did", async () => {
    h = await start('2026-12-01T09:00:00Z', { rules: { 'LEAD-COMPANY-NAME': { mode: 'report' } } })
    const lead = h.portal.data.addLead({ TITLE: 'Заявка', COMPANY_TITLE: 'ООО "Вектор"' })
    const fixed = await run('company_name_fix', `LEAD_${lead}`)
    expect(answersTo(fixed.eventToken)[0]?.returnValues).toEqual({ name_before: 'ООО "Вектор"', name_after: 'Вектор ООО', changed: 'Y', left_for_person: 'N' })
    expect(h.portal.data.lead(lead)?.COMPANY_TITLE).toBe('Вектор ООО')
    const company = h.portal.data.addCompany({ TITLE: '"Ромашка", АО' })
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка', COMPANY_ID: company })
    const ofDeal = await run('company_name_fix', `DEAL_${deal}`)
    expect(answersTo(ofDeal.eventToken)[0]?.returnValues).toMatchObject({ name_before: '"Ромашка", АО', name_after: 'Ромашка АО', changed: 'Y' })
    expect(h.portal.data.company(company)?.TITLE).toBe('Ромашка АО')
    const again = await run('company_name_fix', `LEAD_${lead}`)
    expect(answersTo(again.eventToken)[0]?.returnValues).toEqual({ name_before: 'Вектор ООО', name_after: 'Вектор ООО', changed: 'N', left_for_person: 'N' })
  })
})

describe('«Сообщить руководителю»', () => {
  it("tells the responsible's supervisor, or the one N levels up, with a link to the record", async () => {
    h = await start('2026-12-01T09:00:00Z')
    const lead = h.portal.data.addLead({ TITLE: 'Крупный клиент', ASSIGNED_BY_ID: '5' })
    const item = h.portal.data.addSmartItem(1032, { title: 'Договор', assignedById: 5 })
    h.portal.clearCalls()
    const one = await run('supervisor_notify', `LEAD_${lead}`, { message: 'Клиент просит скидку', levels_up: '1' })
    expect(answersTo(one.eventToken)[0]?.returnValues).toEqual({ notified: 'Y', supervisor: 'user_4' })
    const two = await run('supervisor_notify', `DYNAMIC_1032_${item}`, { message: 'Договор ждёт подписи', levels_up: '2' })
    expect(answersTo(two.eventToken)[0]?.returnValues).toEqual({ notified: 'Y', supervisor: 'user_3' })
    const notices = h.portal.calls.filter((call) => call.method === 'im.notify.system.add').map((call) => call.params as Record<string, string>)
    expect(notices).toEqual([
      expect.objectContaining({ USER_ID: '4', MESSAGE: expect.stringMatching(/^Клиент просит скидку\nЛид \[URL=.*\/crm\/lead\/details\/\d+\/\]«Крупный клиент»\[\/URL\]$/) }),
      expect.objectContaining({ USER_ID: '3', MESSAGE: expect.stringMatching(/^Договор ждёт подписи\n\[URL=.*\/crm\/type\/1032\/details\/\d+\/\]«Договор»\[\/URL\]$/) }),
    ])
  })
})

describe('POST /robots', () => {
  it('the same call delivered twice answers once', async () => {
    h = await start('2026-12-01T09:00:00Z')
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    const call = await run('working_time_due', `DEAL_${deal}`, { amount: '1', unit: 'hours' })
    const again = await postForm(`${h.url}/robots`, call.body)
    expect(again).toMatchObject({ status: 200, json: { status: 'ok', message: 'robot call already accepted' } })
    await done(h)
    expect(answersTo(call.eventToken)).toHaveLength(1)
    expect(sends()).toHaveLength(1)
  })

  it('a forged application_token or an unknown portal is a 401: nothing stored, nothing sent', async () => {
    h = await start('2026-12-01T09:00:00Z')
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    // A step that does not wait takes no answer: its real call is stored, but sends nothing.
    const { run: real } = await h.portal.data.runRobot('working_time_due', `DEAL_${deal}`, {}, { useSubscription: 'N' })
    await done(h)
    const stored = await h.store.robotCalls.stats(h.portal.memberId)
    const token = encodeURIComponent(h.portal.applicationToken ?? '')
    const forged = real.body.replace(`auth%5Bapplication_token%5D=${token}`, 'auth%5Bapplication_token%5D=forged0000000000000000000000000').replace(/event_token=[^&]+/, 'event_token=other')
    expect(forged).not.toBe(real.body)
    expect((await postForm(`${h.url}/robots`, forged)).status).toBe(401)
    const unknown = real.body.replace(/auth%5Bmember_id%5D=[^&]+/, 'auth%5Bmember_id%5D=00000000000000000000000000000000').replace(/event_token=[^&]+/, 'event_token=third')
    expect((await postForm(`${h.url}/robots`, unknown)).status).toBe(401)
    const malformed = await postForm(`${h.url}/robots`, real.body.replace(/&?event_token=[^&]+/, ''))
    expect(malformed).toMatchObject({ status: 400, json: { error: 'MALFORMED_ROBOT_CALL', message: 'event_token is missing' } })
    await done(h)
    expect(await h.store.robotCalls.stats(h.portal.memberId)).toEqual(stored)
    expect(sends()).toEqual([])
  })

  it('an answer whose first send timed out after the portal took it: the resend meets ACCESS_DENIED and counts as answered', async () => {
    h = await start('2026-12-01T09:00:00Z', {}, { B24_TIMEOUT_MS: '300', WORKER_RETRY_BASE_MS: '20' })
    const deal = h.portal.data.addDeal({ TITLE: 'Поставка' })
    await h.app.executor.stop()
    const call = await run('working_time_due', `DEAL_${deal}`, { start: '30.12.2025 17:00', amount: '2', unit: 'hours' })
    // The portal takes the answer, but its reply comes after the app stopped waiting.
    h.portal.faults.slow({ method: 'batch', ms: 600 })
    await h.app.executor.start()
    await h.app.executor.idle()
    await new Promise((resolve) => setTimeout(resolve, 800))
    await done(h)
    expect(answersTo(call.eventToken)).toHaveLength(1)
    expect(sends().length).toBe(2)
    expect(await h.store.actions.stats(h.portal.memberId)).toMatchObject({ pending: 0, sending: 0, failed: 0 })
  })
})
