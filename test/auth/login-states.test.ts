// The OAuth login's state is good once, whichever instance the browser comes back to: the spent ones are in the store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LoginStates } from '../../src/auth/login-states.js'
import { openStore, type Store } from '../../src/store/index.js'

const SECRET = 'login-states-test-secret'
const MEMBER = 'a223c6b3710f85df22e9377d6c4f7553'

describe('login states across instances', () => {
  let dir = ''
  const stores: Store[] = []
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('a state issued by one instance and spent on another is refused on the first, and on the second again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rules-login-states-'))
    let time = Date.parse('2026-12-01T09:00:00Z')
    const now = () => new Date(time)
    const open = () => {
      const store = openStore(join(dir, 'app.db'), now)
      stores.push(store)
      return new LoginStates(SECRET, store, now)
    }
    const [first, second] = [open(), open()]
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
