// npm start on PostgreSQL: DATABASE_URL set, the server keeps its store there (no SQLite file), answers /healthz and
// /readyz, and stops cleanly (TEST_DATABASE_URL; skipped without).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { engineRunsOn } from '../../src/jobs/engine.js'
import { freePort } from '../helpers/harness.js'
import { firstAnswer, startServer } from '../helpers/server-process.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from '../store/postgres-target.js'

const ENGINE_RUNS = engineRunsOn()

if (TEST_DATABASE_URL === undefined) {
  describe('npm start on PostgreSQL', () => sayPostgresSkipped('npm start on PostgreSQL'))
} else {
  const testUrl = TEST_DATABASE_URL
  const schemas = freshSchemas(testUrl)
  const dir = mkdtempSync(join(tmpdir(), 'rules-start-pg-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await schemas.dropAll()
  })

  describe('npm start on PostgreSQL', () => {
    it.runIf(!ENGINE_RUNS)('on a Node older than 22.12 (no job engine) stops at start with one line naming it', async () => {
      const port = await freePort()
      const app = startServer(['--import', 'tsx', 'src/main.ts'], { PORT: String(port), DATABASE_URL: testUrl, LOG_LEVEL: 'silent' })
      expect(await app.exited).toBe(1)
      expect(app.stderr().trim()).toBe(`DATABASE_URL: on PostgreSQL the instances share the work through pg-boss, which needs Node 22.12 or newer; this is Node ${process.versions.node} (without DATABASE_URL the app runs on SQLite on Node 20)`)
    })

    it.runIf(ENGINE_RUNS)('keeps its store in the PostgreSQL DATABASE_URL names, answers /healthz and /readyz, and stops with 0', async () => {
      const url = new URL(testUrl)
      url.searchParams.set('options', `-c search_path=${schemas.next().schema}`)
      const port = await freePort()
      const sqliteFile = join(dir, 'data', 'app.db')
      const app = startServer(['--import', 'tsx', 'src/main.ts'], { PORT: String(port), DATABASE_URL: url.toString(), DATABASE_PATH: sqliteFile, LOG_LEVEL: 'silent' })
      try {
        const health = await firstAnswer(`http://127.0.0.1:${port}/healthz`)
        expect(health.status).toBe(200)
        expect(await health.json()).toMatchObject({ status: 'ok', totals: { portals: 0 } })
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
        expect(existsSync(sqliteFile)).toBe(false)
      } finally {
        app.child.kill('SIGTERM')
        expect(await app.exited).toBe(0)
      }
    })
  })
}
