// Each lead rule's decisions as tables, without I/O: records in, findings out.
import { describe, expect, it } from 'vitest'
import { ROUND_THE_CLOCK } from '../../rules/calendar/business-calendar.js'
import { inScope, runRules, type RuleSettings } from '../../rules/catalogue.js'
import { clientDuplicate } from '../../rules/client-duplicate.js'
import { emailKey, phoneKey } from '../../rules/contacts.js'
import type { Directory } from '../../rules/directory.js'
import { leadCompanyName } from '../../rules/lead-company-name.js'
import { leadFields } from '../../rules/lead-fields.js'
import { leadTitle } from '../../rules/lead-title.js'
import type { Peer, RecordInput, RuleContext, Snapshot } from '../../rules/types.js'
import { resolveRuleSettings } from '../../src/settings/rule-settings.js'

const settings: RuleSettings = resolveRuleSettings({})
const directory: Directory = {
  users: new Map([
    ['5', { id: '5', name: 'Анна Морозова', active: true, departments: ['3'] }],
    ['8', { id: '8', name: 'Мария Фёдорова', active: true, departments: ['2'] }],
  ]),
  departments: new Map([
    ['2', { id: '2', name: 'Коммерческая служба', parentId: null, headId: '3' }],
    ['3', { id: '3', name: 'Отдел продаж', parentId: '2', headId: '4' }],
  ]),
}

function context<S>(ruleSettings: S, peers: Peer[] = []): RuleContext<S> {
  return {
    now: new Date('2026-11-24T09:00:00+03:00'),
    settings: { mode: 'notify', since: null, sources: [], pipelines: [], departments: [], ...ruleSettings },
    directory,
    legalForms: settings.legalForms,
    leadStatuses: [],
    activities: [],
    leadsHeld: 0, sameTasks: [], supervisors: {},
    calendar: ROUND_THE_CLOCK,
    firstLeadStatus: 'NEW',
    peers,
  }
}

const lead = (fields: Record<string, unknown>, previous?: Snapshot): RecordInput => ({
  entity: 'lead',
  id: '45',
  current: { ID: '45', STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', ASSIGNED_BY_ID: '5', DATE_CREATE: '2026-11-24T08:50:00+03:00', ...fields },
  previous,
})

describe('LEAD-COMPANY-NAME', () => {
  it.each([
    [{ COMPANY_TITLE: 'ООО "Вектор"' }, 'fix', 'Вектор ООО'],
    [{ COMPANY_TITLE: 'Вектор ООО' }, 'none', null],
    [{ COMPANY_TITLE: '' }, 'none', null],
    [{ COMPANY_TITLE: null }, 'none', null],
    [{ COMPANY_TITLE: 'ООО Вектор АО' }, 'report', null],
    [{ COMPANY_TITLE: 'ООО "Вектор"', STATUS_SEMANTIC_ID: 'S', STATUS_ID: 'CONVERTED' }, 'none', null],
  ])('lead %j → %s', (fields, expected, value) => {
    const findings = leadCompanyName.check(lead(fields), context({}))
    if (expected === 'none') return expect(findings).toEqual([])
    expect(findings).toHaveLength(1)
    expect(findings[0]?.responsibleId).toBe('5')
    if (expected === 'fix') expect(findings[0]?.fix?.fields).toEqual({ COMPANY_TITLE: value })
    else expect(findings[0]?.fix).toBeUndefined()
  })

  it("checks a company's TITLE", () => {
    const company: RecordInput = { entity: 'company', id: '9', current: { ID: '9', TITLE: '«Ромашка», АО', ASSIGNED_BY_ID: '8' }, previous: undefined }
    expect(leadCompanyName.check(company, context({}))[0]?.fix?.fields).toEqual({ TITLE: 'Ромашка АО' })
  })
})

describe('LEAD-TITLE', () => {
  const ruleSettings = settings.rules['LEAD-TITLE']
  it.each([
    ['Лид #45', true],
    ['Lead #1591', true],
    ['Лид №7', true],
    ['Новый лид', true],
    ['Заявка с сайта example.ru', true],
    ['Входящий звонок +7 495 123-45-67', true],
    ['Лид из открытой линии «Telegram»', true],
    ['CRM-форма «Обратный звонок»', true],
    ['Re: коммерческое предложение', true],
    ['', true],
    ['Вектор: 20 ноутбуков Lenovo', false],
    ['Новый лидер рынка: Вектор, 5 серверов', false],
  ])('%j is a default title: %s', (title, flagged) => {
    const findings = leadTitle.check(lead({ TITLE: title }), context(ruleSettings))
    expect(findings.length).toBe(flagged ? 1 : 0)
    if (flagged) expect(findings[0]?.clock).toMatchObject({ within: { days: 0, ms: 0 }, escalate: [{ days: 0, ms: 2 * 60 * 60 * 1000 }], basis: 'working' })
  })

  it.each([
    ['Ноутбуки 20 шт', 'ООО «Вектор»', true],
    ['Вектор: ноутбуки 20 шт', 'ООО «Вектор»', false],
    ['ВЕКТОР — ноутбуки', 'Вектор ООО', false],
    ['Ноутбуки', '', false],
  ])('title %j with company %j is flagged: %s', (title, company, flagged) => {
    expect(leadTitle.check(lead({ TITLE: title, COMPANY_TITLE: company }), context(ruleSettings)).length).toBe(flagged ? 1 : 0)
  })

  it('leaves closed leads alone', () => {
    expect(leadTitle.check(lead({ TITLE: 'Лид #45', STATUS_ID: 'JUNK', STATUS_SEMANTIC_ID: 'F' }), context(ruleSettings))).toEqual([])
  })
})

describe('LEAD-FIELDS', () => {
  const ruleSettings = settings.rules['LEAD-FIELDS']
  const full = {
    TITLE: 'Вектор: ноутбуки', COMPANY_TITLE: 'Вектор ООО', NAME: 'Иван', COMMENTS: 'нужны к пятнице',
    PHONE: [{ VALUE: '+7 495 123-45-67', VALUE_TYPE: 'WORK' }],
  }
  it.each([
    ['still in its first status', { STATUS_ID: 'NEW' }, null],
    ['past the first status, all filled', { ...full, STATUS_ID: 'IN_PROCESS' }, null],
    ['past the first status, e-mail instead of phone', { ...full, PHONE: [], EMAIL: [{ VALUE: 'ivan@vector.ru' }], STATUS_ID: 'IN_PROCESS' }, null],
    ['past the first status, no phone nor e-mail', { ...full, PHONE: [], STATUS_ID: 'IN_PROCESS' }, 'телефон или e-mail'],
    ['converted without comment and company', { ...full, COMMENTS: '', COMPANY_TITLE: null, STATUS_ID: 'CONVERTED', STATUS_SEMANTIC_ID: 'S' }, 'название компании, комментарий'],
    ['junk', { STATUS_ID: 'JUNK', STATUS_SEMANTIC_ID: 'F' }, null],
  ])('%s', (_name, fields, missing) => {
    const findings = leadFields.check(lead(fields), context(ruleSettings))
    if (missing === null) return expect(findings).toEqual([])
    expect(findings[0]?.todo.ru).toBe(`Заполните: ${missing}.`)
  })
})

describe('CLIENT-DUPLICATE', () => {
  const peer = (fields: Partial<Peer>): Peer => ({
    entity: 'lead', id: '40', title: 'Ромашка: стулья', responsibleId: '6', createdAt: '2026-11-24T08:00:00+03:00', matchedBy: 'phone:74951234567', ...fields,
  })
  it.each([
    ['an older lead of the same client', [peer({})], ['lead:40']],
    ['a newer lead of the same client (that one is flagged instead)', [peer({ createdAt: '2026-11-24T08:55:00+03:00', id: '50' })], []],
    ['no other record', [], []],
    ['a record of the same second, this one seen for the first time', [peer({ entity: 'deal', createdAt: '2026-11-24T08:50:00+03:00' })], ['deal:40']],
    ['the record itself', [peer({ id: '45', createdAt: '2026-11-24T08:50:00+03:00' })], []],
    ['three older records, listed oldest first', [peer({ id: '42', createdAt: '2026-11-24T08:30:00+03:00' }), peer({ id: '41', responsibleId: '7' }), peer({ entity: 'deal', id: '9', createdAt: '2026-11-23T12:00:00+03:00' })], ['deal:9', 'lead:41', 'lead:42']],
    ['an older and a newer one: only the older is listed', [peer({ id: '50', createdAt: '2026-11-24T08:55:00+03:00' }), peer({})], ['lead:40']],
  ])('%s', (_name, peers, listed) => {
    const findings = clientDuplicate.check(lead({ TITLE: 'Ромашка' }), context({}, peers))
    // One finding per record, however many records of the client there are.
    expect(findings).toHaveLength(listed.length > 0 ? 1 : 0)
    if (listed.length === 0) return
    expect(findings[0]?.variant).toBe('')
    expect(findings[0]?.responsibleId).toBe('5')
    expect(findings[0]?.related?.map((r) => `${r.entity}:${r.id}`)).toEqual(listed)
  })

  it.each([
    [1, '1 запись', '1 record'],
    [3, '3 записи', '3 records'],
    [11, '11 записей', '11 records'],
    [49, '49 записей', '49 records'],
  ])('%i older records are counted in both languages', (count, ru, en) => {
    const peers = Array.from({ length: count }, (_, i) => peer({ id: String(i + 100) }))
    const [finding] = clientDuplicate.check(lead({ TITLE: 'Ромашка' }), context({}, peers))
    expect(finding?.problem.ru).toBe(`Этот клиент уже есть: ${ru} с тем же контактом (совпадает телефон +74951234567), а лид «Ромашка» заведён повторно.`)
    expect(finding?.problem.en).toContain(`already exists: ${en} with the same contact`)
    expect(finding?.related).toHaveLength(count)
  })

  // The message agrees with the record's kind: лид (м. р.) заведён, сделка (ж. р.) заведена.
  it.each([
    ['lead', 'а лид «Ромашка» заведён повторно.', 'lead "Ромашка" repeats it.'],
    ['deal', 'а сделка «Ромашка» заведена повторно.', 'deal "Ромашка" repeats it.'],
  ] as const)('a %s repeating a client is named with its kind', (entity, ru, en) => {
    const record: RecordInput = { ...lead({ TITLE: 'Ромашка', STAGE_SEMANTIC_ID: 'P', CLOSED: 'N' }), entity }
    const [finding] = clientDuplicate.check(record, context({}, [peer({})]))
    expect(finding?.problem.ru).toBe(`Этот клиент уже есть: 1 запись с тем же контактом (совпадает телефон +74951234567), ${ru}`)
    expect(finding?.problem.en).toBe(`This client already exists: 1 record with the same contact (same phone +74951234567); ${en}`)
  })

  it.each([
    ['+7 (495) 123-45-67', '74951234567'],
    ['8 495 123 45 67', '74951234567'],
    ['84951234567', '74951234567'],
    ['9161234567', '79161234567'],
    ['+44 20 7946 0958', '442079460958'],
    ['12-34', ''],
  ])('phone %j → %j', (raw, key) => expect(phoneKey(raw)).toBe(key))

  it.each([
    [' Ivan@Vector.RU ', 'ivan@vector.ru'],
    ['not an email', ''],
  ])('e-mail %j → %j', (raw, key) => expect(emailKey(raw)).toBe(key))
})

describe('the catalogue', () => {
  const now = new Date('2026-11-24T09:00:00+03:00')
  it('runs only the rules that are on and in scope', () => {
    const record = lead({ TITLE: 'Лид #45', COMPANY_TITLE: 'ООО "Вектор"' })
    const off = resolveRuleSettings({ rules: { 'LEAD-TITLE': { mode: 'off' } } })
    const pass = runRules(record, off, { now, directory, firstLeadStatus: 'NEW', leadStatuses: [], peers: [], activities: [], leadsHeld: 0, sameTasks: [], calendar: ROUND_THE_CLOCK })
    expect(pass.checked).toEqual(['LEAD-COMPANY-NAME', 'LEAD-FIELDS', 'CLIENT-DUPLICATE', 'LEAD-DISPATCH-SLA', 'LEAD-CONTACT-SLA'])
    expect(pass.findings.map((found) => [found.ruleId, found.mode])).toEqual([['LEAD-COMPANY-NAME', 'autofix'], ['LEAD-DISPATCH-SLA', 'notify']])
  })

  it.each([
    [{ since: '2026-11-25' }, false],
    [{ since: '2026-11-24T05:00:00Z' }, true],
    [{ sources: ['WEB'] }, false],
    [{ departments: ['3'] }, true],
    [{ departments: ['2'] }, false],
  ])('scope %j → %s', (scope, expected) => {
    const common = { mode: 'notify' as const, since: null, sources: [], pipelines: [], departments: [], ...scope }
    expect(inScope(lead({ SOURCE_ID: 'CALL' }), common, { directory })).toBe(expected)
  })
})
