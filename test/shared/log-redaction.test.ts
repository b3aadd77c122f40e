// Tokens and secrets never reach a log line, at the most talkative level, through install, events and a refresh.
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/shared/log.js'
import { settle, startHarness, type Harness } from '../helpers/harness.js'

describe('logs', () => {
  let h: Harness
  afterEach(async () => h?.close())

  it('carry no token, application token or client secret', async () => {
    let lines = ''
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString()
        done()
      },
    })
    h = await startHarness({ app: { logger: createLogger('trace', sink) } })
    await h.portal.installApp({ installUrl: `${h.url}/install` })
    const installed = await h.store.portals.get(h.portal.memberId)
    h.portal.data.addLead({ TITLE: 'Лид #1', COMPANY_TITLE: 'ООО "Вектор"' }, { byUserId: 5 })
    await settle(h)
    h.portal.expireAccessTokens()
    h.portal.data.updateLead('1', { COMMENTS: 'перезвонить' }, { byUserId: 5 })
    await settle(h)
    const refreshed = await h.store.portals.get(h.portal.memberId)
    expect(refreshed?.accessToken).not.toBe(installed?.accessToken)
    expect(lines.split('\n').length).toBeGreaterThan(10)
    const secrets = [
      installed?.accessToken, installed?.refreshToken, refreshed?.accessToken, refreshed?.refreshToken,
      installed?.applicationToken, h.config.clientSecret,
    ]
    for (const secret of secrets) {
      expect(secret && secret.length > 8).toBe(true)
      expect(lines).not.toContain(secret)
    }
  })
})
