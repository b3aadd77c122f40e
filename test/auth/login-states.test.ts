// The OAuth login's state is good once, whichever instance the browser comes back to: the spent ones are in the store.
import { afterEach, describe, expect, it } from 'vitest'
import { LoginStates } from '../../src/auth/login-states.js'
import { openSharedTestStores, type SharedTestStores } from '../helpers/test-store.js'

const SECRET = 'login-states-test-secret'
const MEMBER = 'a223c6b3710f85df22e9377d6c4f7553'

describe('login states across instances', () => {
  let shared: SharedTestStores | undefined
  afterEach(() => shared?.close())

  it('a state issued by one instance and spent on another is refused on the first, and on the second again', async () => {
    let time = Date.parse('2026-12-01T09:00:00Z')
    const now = () => new Date(time)
    shared = await openSharedTestStores(2, now)
    const [first, second] = shared.stores.map((store) => new LoginStates(SECRET, store, now)) as [LoginStates, LoginStates]
    const { state, nonce } = first.issue(MEMBER)
    expect(await second.spend(state, nonce)).toMatchObject({ memberId: MEMBER, nonce })
    expect(await first.spend(state, nonce)).toBeUndefined()
    expect(await second.spend(state, nonce)).toBeUndefined()
    // A state refused for coming from another browser is spent too.
    const other = second.issue(MEMBER)
    expect(await first.spend(other.state, 'another-browser')).toBeUndefined()
    expect(await second.spend(other.state, other.nonce)).toBeUndefined()
    // An expired state is refused without a look at the store.
    const late = first.issue(MEMBER)
    time += 11 * 60_000
    expect(await second.spend(late.state, late.nonce)).toBeUndefined()
  })
})
