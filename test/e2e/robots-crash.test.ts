// Crash safety of the robots over a real process: SIGKILLed between the robot call's 200 and its answer, the app
// answers the step after a restart, once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startAppProcess, waitHealthy, type AppProcess } from '../bench/app-process.js'
import { startFakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('crash between a robot call and its answer', () => {
  it('SIGKILL after the 200: the restarted app still answers the step, exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-robots-crash-'))
    const portal = await startFakePortal()
    const port = await freePort()
    const env = {
      DATABASE_PATH: join(dir, 'app.db'),
      B24_CLIENT_ID: portal.clientId,
      B24_CLIENT_SECRET: portal.clientSecret,
      B24_ALLOWED_HOSTS: '127.0.0.1',
      B24_TIMEOUT_MS: '5000',
      SWEEP_CRON: '0 0 1 1 *',
      RULES_FILE: join(dir, 'rules.json'),
    }
    // The default working week (09:00–18:00 Monday to Friday) and the Russian production calendar.
    writeFileSync(env.RULES_FILE, JSON.stringify({}))
    let app: AppProcess = startAppProcess({ port, env })
    try {
      await waitHealthy(app)
      await portal.installApp({ installUrl: `${app.url}/install` })
      expect(portal.data.robots.map((robot) => robot.code)).toContain('working_time_due')
      const deal = portal.data.addDeal({ TITLE: 'Поставка' })
      await portal.flushEvents()
      await sleep(300)
      // The app's re-read of the document hangs (the portal answers late): the kill lands after the 200, before the answer.
      portal.faults.slow({ method: 'batch', ms: 4_000, times: 5 })
      const { reply, run } = await portal.data.runRobot('working_time_due', `DEAL_${deal}`, { start: '2025-12-30T17:00:00+03:00', amount: '2', unit: 'hours' })
      expect(reply.status).toBe(200)
      await app.stop('SIGKILL')
      expect(run.answers).toEqual([])
      portal.faults.reset()

      app = startAppProcess({ port, env })
      await waitHealthy(app)
      const deadline = Date.now() + 20_000
      while (run.answers.length === 0 && Date.now() < deadline) await sleep(100)
      expect(run.answers).toEqual([expect.objectContaining({ returnValues: { due: '2026-01-12T10:00:00+03:00' } })])
      // A further restart sends nothing again.
      await app.stop('SIGTERM')
      app = startAppProcess({ port, env })
      await waitHealthy(app)
      await sleep(500)
      expect(portal.data.robotAnswers.filter((answer) => answer.eventToken === run.eventToken)).toHaveLength(1)
      expect(portal.calls.filter((call) => call.method === 'bizproc.event.send')).toHaveLength(1)
    } finally {
      await app.stop('SIGKILL')
      await portal.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
