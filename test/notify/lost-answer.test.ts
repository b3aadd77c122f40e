// An answer lost after the portal did the work (a timeout): the fix is not written again, the comment not shown twice.
import { afterEach, describe, expect, it } from 'vitest'
import { settle, startHarness, type Harness } from '../helpers/harness.js'

let h: Harness
afterEach(async () => h?.close())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Until nothing is pending in the outbox (a retry waits its backoff first).
async function sent(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await settle(h)
    if ((await h.store.actions.inState(h.portal.memberId, 'pending')).length === 0) return
    await sleep(50)
  }
  throw new Error('the outbox never emptied')
}

describe('a lost answer', () => {
  it.each([['crm.lead.update'], ['crm.timeline.comment.add']])('of %s: the action is looked for on the portal before it is sent again, and done once', async (method) => {
    h = await startHarness({ env: { B24_TIMEOUT_MS: '300', WORKER_RETRY_BASE_MS: '20' } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    await settle(h)
    // The batch carrying it does the work and answers after the app stopped waiting.
    h.portal.faults.slow({ method, ms: 600 })
    const id = h.portal.data.addLead({ TITLE: 'Заявка', COMPANY_TITLE: 'ооо вектор' }, { byUserId: 5 })
    await sent()
    const writes = h.portal.calls.filter((call) => call.method === 'crm.lead.update' && String((call.params as { id?: unknown }).id) === id)
    expect(writes).toHaveLength(1)
    const actions = (await h.store.actions.inState(h.portal.memberId, 'done')).filter((action) => action.payload.entityId === id && action.kind !== 'notify')
    expect(actions.filter((action) => action.kind === 'fix')).toHaveLength(1)
    const comments = actions.filter((action) => action.kind === 'comment')
    expect(comments.length).toBeGreaterThan(0)
    const shown = h.portal.data.timelineComments.filter((comment) => String(comment.entityId) === id).map((comment) => comment.comment)
    expect(shown.sort()).toEqual(comments.map((action) => String(action.payload.comment)).sort())
    // The lost one was tried, then found done.
    expect(actions.some((action) => action.attempts === 2)).toBe(true)
  })
})
