// The captured-request fixtures themselves: each body parses to what it claims, and withIdentities swaps identities only.
import qs from 'qs'
import { describe, expect, it } from 'vitest'
import {
  capturedRequests,
  decodeFormComponent,
  documentedRequests,
  identityKeys,
  phpHttpBuildQuery,
  phpUrlencode,
  portalCaptures,
  withIdentities,
  type PortalIdentities,
  type RequestFixture,
} from './fixtures/captured-requests.js'

type Form = Record<string, unknown>

const parse = (form: string): Form => qs.parse(form, { depth: 10 }) as Form
const isForm = (value: unknown): value is Form => typeof value === 'object' && value !== null && !Array.isArray(value)
const at = (form: Form, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isForm(node) ? node[key] : undefined), form)

/** Splits a form into [decoded key, raw pair] in wire order. */
const pairsOf = (form: string): Array<[string, string]> =>
  form.split('&').map((pair) => [decodeFormComponent(pair.slice(0, pair.indexOf('='))), pair])

const CRM_ENTITIES = ['lead', 'deal', 'contact', 'company', 'activity'] as const

/** The entity an event code is about, the way the app names it. */
function entityOf(code: string): string | undefined {
  const crm = /^ONCRM(LEAD|DEAL|CONTACT|COMPANY|ACTIVITY)/.exec(code)
  if (crm?.[1] !== undefined) return crm[1].toLowerCase()
  if (code.startsWith('ONTASK')) return 'task'
  return undefined
}

/** The record id an event carries: data[FIELDS][ID] for CRM, the task's id for task and comment events. */
function recordIdOf(form: Form, code: string): unknown {
  if (code === 'ONTASKCOMMENTADD') return at(form, 'data', 'FIELDS_AFTER', 'TASK_ID')
  if (code === 'ONTASKDELETE') return at(form, 'data', 'FIELDS_BEFORE', 'ID')
  if (code.startsWith('ONTASK')) return at(form, 'data', 'FIELDS_AFTER', 'ID')
  return at(form, 'data', 'FIELDS', 'ID')
}

const events = capturedRequests.filter((f) => f.kind === 'event' || f.kind === 'install-event')
const frames = capturedRequests.filter((f) => f.query !== undefined)
const named = (fixtures: readonly RequestFixture[]) => fixtures.map((f) => [f.name, f] as const)

const testPortal: PortalIdentities = {
  memberId: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  applicationToken: 'test-application-token',
  domain: 'test-portal.bitrix24.ru',
  clientEndpoint: 'https://test-portal.bitrix24.ru/rest/',
  serverEndpoint: 'https://oauth.example.test/rest/',
  accessToken: 'at-test-0001',
  refreshToken: 'rt-test-0001',
}

// Decoded key → the test portal's value that must replace it.
const replacement: Readonly<Record<string, string | undefined>> = {
  'auth[member_id]': testPortal.memberId,
  member_id: testPortal.memberId,
  'auth[application_token]': testPortal.applicationToken,
  APPLICATION_TOKEN: testPortal.applicationToken,
  'auth[domain]': testPortal.domain,
  DOMAIN: testPortal.domain,
  'auth[client_endpoint]': testPortal.clientEndpoint,
  'auth[server_endpoint]': testPortal.serverEndpoint,
  SERVER_ENDPOINT: testPortal.serverEndpoint,
  'auth[access_token]': testPortal.accessToken,
  AUTH_ID: testPortal.accessToken,
  'auth[refresh_token]': testPortal.refreshToken,
  REFRESH_ID: testPortal.refreshToken,
}

describe('captured request fixtures', () => {
  it('have unique names, a source each, and keep the docs apart from the captures', () => {
    expect(new Set(capturedRequests.map((f) => f.name)).size).toBe(capturedRequests.length)
    for (const f of portalCaptures) expect(f.source).not.toMatch(/^bitrix24\/b24restdocs /)
    for (const f of documentedRequests) {
      expect(f.source).toMatch(/^bitrix24\/b24restdocs \S+\.md @ [0-9a-f]{7} /)
      expect(f.note).toMatch(/not a capture/)
    }
  })

  it.each(named(events))('%s: the body parses to its event, ts and record', (_name, f) => {
    const form = parse(f.body)
    expect(f.query).toBeUndefined()
    const code = String(form.event).toUpperCase()
    expect(code).toBe(f.expect.event)
    expect(form.ts).toMatch(/^\d+$/)
    expect(at(form, 'auth', 'member_id')).toEqual(expect.any(String))
    expect(at(form, 'auth', 'application_token')).toEqual(expect.any(String))
    expect(entityOf(code)).toBe(f.expect.entity)
    if (f.expect.recordId !== undefined) expect(recordIdOf(form, code)).toBe(f.expect.recordId)
  })

  it.each(named(frames))('%s: the query names the portal and the body carries the frame tokens', (_name, f) => {
    const query = parse(f.query ?? '')
    expect(Object.keys(query).sort()).toEqual(['APP_SID', 'DOMAIN', 'LANG', 'PROTOCOL'])
    const body = parse(f.body)
    expect(body).toMatchObject({ AUTH_ID: expect.any(String), REFRESH_ID: expect.any(String), member_id: expect.any(String) })
    expect(body.event).toBeUndefined()
    if (f.kind !== 'placement-frame') return
    expect(body.PLACEMENT).toBe(`CRM_${(f.expect.entity ?? '').toUpperCase()}_DETAIL_TAB`)
    expect(JSON.parse(String(body.PLACEMENT_OPTIONS))).toMatchObject({ ID: f.expect.recordId })
  })

  it.each(named(capturedRequests))('%s: PHP http_build_query of the parsed body gives the body back', (_name, f) => {
    expect(phpHttpBuildQuery(parse(f.body))).toBe(f.body)
    if (f.query !== undefined) expect(phpHttpBuildQuery(parse(f.query))).toBe(f.query)
  })

  it('tell the two ONTASKCOMMENTADD shapes apart', () => {
    const comments = events.filter((f) => f.expect.event === 'ONTASKCOMMENTADD')
    expect(comments.map((f) => f.expect.commentShape).sort()).toEqual(['new', 'old'])
    for (const f of comments) {
      const after = at(parse(f.body), 'data', 'FIELDS_AFTER')
      if (f.expect.commentShape === 'new') expect(after).toMatchObject({ ID: '0', TASK_ID: f.expect.recordId, MESSAGE_ID: expect.any(String) })
      if (f.expect.commentShape === 'old') {
        expect(after).toMatchObject({ TASK_ID: f.expect.recordId })
        expect(after).not.toHaveProperty('MESSAGE_ID')
        expect(at(after as Form, 'ID')).not.toBe('0')
      }
    }
  })

  it('cover the shapes the app will meet', () => {
    const codes = new Set(events.map((f) => f.expect.event))
    for (const code of ['ONCRMLEADADD', 'ONCRMLEADUPDATE', 'ONCRMLEADDELETE', 'ONCRMDEALADD', 'ONCRMDEALUPDATE', 'ONCRMCONTACTADD', 'ONCRMCOMPANYADD', 'ONCRMACTIVITYADD', 'ONTASKADD', 'ONTASKUPDATE', 'ONTASKDELETE', 'ONTASKCOMMENTADD', 'ONAPPINSTALL', 'ONAPPUPDATE', 'ONAPPUNINSTALL', 'ONOFFLINEEVENT']) {
      expect(codes).toContain(code)
    }
    expect(new Set(events.map((f) => f.expect.entity))).toEqual(new Set([...CRM_ENTITIES, 'task', undefined]))
    const forms = events.map((f) => parse(f.body))
    expect(forms.some((form) => form.event_handler_id === undefined)).toBe(true)
    expect(forms.some((form) => typeof form.event_handler_id === 'string')).toBe(true)
    const tokenless = ['domain', 'client_endpoint', 'server_endpoint', 'member_id', 'application_token']
    expect(portalCaptures.some((f) => f.kind === 'event' && Object.keys(at(parse(f.body), 'auth') as Form).join() === tokenless.join())).toBe(true)
    const offline = events.find((f) => f.expect.event === 'ONOFFLINEEVENT')
    expect(parse(offline?.body ?? '')).not.toHaveProperty('data')
    const uiInstalls = portalCaptures.filter((f) => f.kind === 'install-frame').map((f) => parse(f.body))
    expect(uiInstalls.length).toBeGreaterThan(0)
    for (const body of uiInstalls) expect(body).not.toHaveProperty('APPLICATION_TOKEN')
    const defaults = frames.map((f) => parse(f.body)).filter((body) => body.PLACEMENT === 'DEFAULT')
    expect(defaults.some((body) => 'PLACEMENT_OPTIONS' in body)).toBe(true)
    expect(defaults.some((body) => !('PLACEMENT_OPTIONS' in body))).toBe(true)
  })
})

describe('phpUrlencode', () => {
  it.each([
    ['ООО «Вектор»', '%D0%9E%D0%9E%D0%9E+%C2%AB%D0%92%D0%B5%D0%BA%D1%82%D0%BE%D1%80%C2%BB'],
    ["~!*'()", '%7E%21%2A%27%28%29'],
    ['auth[member_id]', 'auth%5Bmember_id%5D'],
    ['https://a.bitrix24.ru/rest/', 'https%3A%2F%2Fa.bitrix24.ru%2Frest%2F'],
    ['A-z_0.9', 'A-z_0.9'],
  ])('%s → %s', (value, encoded) => {
    expect(phpUrlencode(value)).toBe(encoded)
  })
})

describe('withIdentities', () => {
  it.each(named(capturedRequests))('%s: replaces every identity, nothing else, in the captured order', (_name, f) => {
    for (const form of [f.body, f.query].filter((v): v is string => v !== undefined)) {
      const before = pairsOf(form)
      const after = pairsOf(withIdentities(form, testPortal))
      expect(after.map(([key]) => key)).toEqual(before.map(([key]) => key))
      after.forEach(([key, pair], i) => {
        const original = before[i]?.[1] ?? ''
        const value = replacement[key]
        if (value === undefined) {
          expect(pair).toBe(original)
          return
        }
        expect(pair).toBe(`${original.slice(0, original.indexOf('='))}=${phpUrlencode(value)}`)
      })
    }
  })

  it('rewrites only the keys it documents', () => {
    expect([...identityKeys].sort()).toEqual(Object.keys(replacement).sort())
  })

  it('keeps a captured token when the test portal gives none, and adds no identity a capture lacks', () => {
    const capture = portalCaptures.find((f) => f.name.startsWith('ONCRMCONTACTADD, cloud portal 2024'))
    const body = capture?.body ?? ''
    const { accessToken: _a, refreshToken: _r, ...withoutTokens } = testPortal
    const out = parse(withIdentities(body, withoutTokens))
    expect(at(out, 'auth', 'access_token')).toBe(at(parse(body), 'auth', 'access_token'))
    expect(at(out, 'auth')).not.toHaveProperty('refresh_token')
    expect(at(out, 'auth', 'member_id')).toBe(testPortal.memberId)
  })

  it('leaves a +-encoded title with its spaces, in place', () => {
    const capture = portalCaptures.find((f) => f.expect.event === 'ONCRMLEADADD')
    const title = `${phpUrlencode('data[FIELDS][TITLE]')}=${phpUrlencode('ООО «Вектор» и партнёры')}`
    expect(title).toContain('+')
    const pairs = (capture?.body ?? '').split('&')
    const body = [...pairs.slice(0, 2), title, ...pairs.slice(2)].join('&')

    const out = withIdentities(body, testPortal)

    expect(out.split('&')[2]).toBe(title)
    expect(at(parse(out), 'data', 'FIELDS', 'TITLE')).toBe('ООО «Вектор» и партнёры')
    expect(pairsOf(out).map(([key]) => key)).toEqual(pairsOf(body).map(([key]) => key))
  })

  it('swaps DOMAIN in a frame query and leaves PROTOCOL, LANG and APP_SID', () => {
    const frame = portalCaptures.find((f) => f.kind === 'install-frame' && f.query?.startsWith('DOMAIN=') === true)
    expect(withIdentities(frame?.query ?? '', testPortal)).toBe(
      'DOMAIN=test-portal.bitrix24.ru&PROTOCOL=1&LANG=en&APP_SID=926d17365a87fbb35bace60dcc8f08cf',
    )
  })
})
