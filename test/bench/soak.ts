// npm run soak [-- --minutes 30 --rate 20]: the app (as `npm start` runs it) under a steady stream of the portal's
// own events for a long while; its RSS at the end must stay within 10 % of its RSS after the warm-up. Prints the
// figures; exits 1 when memory grew more, an event was refused or the app fell behind.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { startFakePortal } from '../fake-portal/index.js'
import { freePort } from '../helpers/harness.js'
import { health, startAppProcess, waitDrained, waitHealthy, type AppProcess } from './app-process.js'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, rate: { type: 'string', default: '20' } } })
const MINUTES = Number(values.minutes)
const RATE = Number(values.rate)
const LEADS = 300
const SAMPLE_MS = 15_000

const print = (line = '') => process.stdout.write(`${line}\n`)
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The app's RSS, from the probe preloaded into it.
function rssOf(app: AppProcess): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 2_000)
    app.child.once('message', (message: { memory?: NodeJS.MemoryUsage }) => {
      clearTimeout(timer)
      resolve(message.memory?.rss)
    })
    app.child.send('memory')
  })
}

async function main(): Promise<number> {
  if (!(MINUTES > 0) || !(RATE > 0)) throw new Error('--minutes and --rate must be positive numbers')
  const dir = mkdtempSync(join(tmpdir(), 'rules-soak-'))
  const portal = await startFakePortal() // the real limits: 50 burst, 2 per second
  const app = startAppProcess({
    port: await freePort(),
    env: { DATABASE_PATH: join(dir, 'app.db'), B24_CLIENT_ID: portal.clientId, B24_CLIENT_SECRET: portal.clientSecret, B24_ALLOWED_HOSTS: '127.0.0.1' },
    preload: [pathToFileURL(join(import.meta.dirname, 'memory-probe.ts')).href],
    ipc: true,
  })
  try {
    await waitHealthy(app)
    await portal.installApp({ installUrl: `${app.url}/install` })
    // Leads of several managers; every tenth change breaks a rule (a company name to fix, a title to rename), so
    // fixes, notices and digests run too, not only the mirror.
    const ids = Array.from({ length: LEADS }, (_, i) => portal.data.addLead({ TITLE: `Вектор ${i} ООО: ноутбуки`, COMPANY_TITLE: `Вектор ${i} ООО`, ASSIGNED_BY_ID: 5 + (i % 3) }, { byUserId: 5 }))
    await waitDrained(app, portal, 180_000)
    print(`Soak: ${MINUTES} min at ${RATE} lead changes/s over ${LEADS} leads (the fake portal sends each as its event; real rate limits), Node ${process.version}`)
    const started = Date.now()
    const warmUpEnd = started + Math.min(5, MINUTES / 6) * 60_000
    const end = started + MINUTES * 60_000
    const samples: Array<{ at: number; rss: number }> = []
    let changes = 0
    let nextSample = started
    // The portal keeps its newest 10,000 deliveries: each tick counts those after the last one it saw.
    const tally = { delivered: 0, refused: 0, last: portal.deliveries.at(-1) }
    const count = () => {
      const log = portal.deliveries
      for (const delivery of log.slice(tally.last === undefined ? 0 : log.lastIndexOf(tally.last) + 1)) {
        tally.delivered += 1
        if (delivery.status !== 200) tally.refused += 1
      }
      tally.last = log.at(-1)
    }
    while (Date.now() < end) {
      const tick = Date.now()
      for (let i = 0; i < RATE; i++, changes++) {
        const id = ids[changes % ids.length]!
        const broken = changes % 10 === 0
        portal.data.updateLead(id, broken ? { COMPANY_TITLE: `ооо "вектор ${changes}"` } : { COMMENTS: `правка ${changes}`, OPPORTUNITY: changes }, { byUserId: 5 })
      }
      await portal.flushEvents()
      count()
      portal.clearCalls()
      if (Date.now() >= nextSample) {
        const rss = await rssOf(app)
        if (rss !== undefined) samples.push({ at: Date.now(), rss })
        nextSample += SAMPLE_MS
      }
      await sleep(Math.max(0, 1_000 - (Date.now() - tick)))
    }
    const drained = await waitDrained(app, portal, 120_000).then(() => true, () => false)
    count()
    const final = await rssOf(app)
    const after = samples.find((sample) => sample.at >= warmUpEnd) ?? samples.at(-1)
    const { delivered, refused } = tally
    const pending = (await health(app))?.portals.find((p) => p.memberId === portal.memberId)?.inbox.pending ?? -1
    const growth = after && final ? final / after.rss - 1 : Number.NaN
    const peak = Math.max(...samples.map((sample) => sample.rss))
    print(`  lead changes made:         ${changes}; events delivered ${delivered} (the app's own fixes echo too), refused ${refused}; pending at the end ${pending}${drained ? '' : ' (did not drain within 2 min)'}`)
    print(`  app RSS after warm-up:     ${after ? mb(after.rss) : '?'} (at ${after ? ((after.at - started) / 60_000).toFixed(1) : '?'} min); at the end ${final ? mb(final) : '?'}; peak ${mb(peak)}`)
    print(`  growth after warm-up:      ${(growth * 100).toFixed(1)} % (target ≤ 10 %) — ${growth <= 0.1 ? 'met' : 'NOT met'}`)
    print(`  RSS every ${SAMPLE_MS / 1000} s (MB):     ${samples.map((sample) => (sample.rss / 1024 / 1024).toFixed(0)).join(' ')}`)
    return growth <= 0.1 && refused === 0 && drained ? 0 : 1
  } finally {
    await app.stop('SIGTERM')
    await portal.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(2)
})
