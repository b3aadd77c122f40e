// Group commit at the intake: events that come while commits are under way wait and land together in the next one, so
// a burst from many connections costs a few transactions (on PostgreSQL, a few round trips and job asks), not one each.
import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../../src/store/group-commit.js'
import type { InboxEvent } from '../../src/store/inbox.js'

const event = (entityId: string): InboxEvent => ({ memberId: 'm1', event: 'ONCRMLEADUPDATE', entity: 'lead', entityId, ts: '1', data: {} })

// A store whose commits end only when the test says so.
function slowStore() {
  const commits: Array<{ ids: string[]; land: () => void }> = []
  const store = {
    acceptEvents: (events: readonly InboxEvent[]) => new Promise<boolean[]>((resolve) => {
      commits.push({ ids: events.map((one) => one.entityId), land: () => resolve(events.map(() => true)) })
    }),
  }
  return { store, commits }
}
const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('group commit', () => {
  it('gathers the events that come while two commits are under way into the next commit, and answers each after its own', async () => {
    const { store, commits } = slowStore()
    const intake = new GroupCommit(store)
    const answered: string[] = []
    const accept = (id: string) => void intake.accept(event(id)).then(() => answered.push(id))
    accept('1')
    await turn()
    accept('2')
    await turn()
    for (const id of ['3', '4', '5']) accept(id)
    await turn()
    expect(commits.map((commit) => commit.ids)).toEqual([['1'], ['2']])
    commits[0]!.land()
    await turn()
    expect(commits.map((commit) => commit.ids)).toEqual([['1'], ['2'], ['3', '4', '5']])
    expect(answered).toEqual(['1'])
    commits[2]!.land()
    commits[1]!.land()
    await turn()
    expect(answered.sort()).toEqual(['1', '2', '3', '4', '5'])
  })
})
