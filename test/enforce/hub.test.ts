// The hub: what committed plans announce reaches each listener once per portal and kind; a listener that throws
// does not keep the others from hearing.
import { describe, expect, it } from 'vitest'
import { Hub } from '../../src/enforce/hub.js'

describe('the hub', () => {
  it('tells the outbox and the clock timer once for a round of plans, and the directory of each unknown user', () => {
    const heard: string[] = []
    const errors: unknown[] = []
    const hub = new Hub((error) => errors.push(error))
    hub.on('actions.planned', () => {
      throw new Error('a broken listener')
    })
    hub.on('actions.planned', ({ memberId }) => heard.push(`actions ${memberId}`))
    hub.on('clocks.changed', ({ memberId }) => heard.push(`clocks ${memberId}`))
    hub.on('user.unknown', ({ memberId, userId }) => heard.push(`user ${memberId} ${userId}`))
    hub.announce('m1', [
      { actionsPlanned: true, clocksChanged: false, unknownUsers: ['8'] },
      { actionsPlanned: true, clocksChanged: true, unknownUsers: [] },
    ])
    hub.announce('m2', [{ actionsPlanned: false, clocksChanged: false, unknownUsers: [] }])
    expect(heard).toEqual(['actions m1', 'clocks m1', 'user m1 8'])
    expect(errors).toHaveLength(1)
  })
})
