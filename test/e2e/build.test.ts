// `npm run build` then `npm start` as a deployment runs them: the compiled server, with no tsx, finds its own files and answers.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/harness.js'
import { firstAnswer, ROOT as root, startServer } from '../helpers/server-process.js'

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

// `npm start` is `node [flags] dist/src/main.js`: the same arguments, on this Node, with only the given variables.
function startCompiled(env: Record<string, string>) {
  const [node, ...args] = (scripts.start ?? '').split(' ')
  expect(node).toBe('node')
  return startServer(args, env)
}

describe('the compiled build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-build-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0)
  }, 130_000)

  it('npm start runs dist/src/main.js before which npm run build compiles', () => {
    expect(scripts.prestart).toBe('npm run build')
    expect(scripts.start).toMatch(/^node( --[a-z-]+)* dist\/src\/main\.js$/)
    expect(existsSync(join(root, 'dist', 'src', 'main.js'))).toBe(true)
  })

  it('answers /healthz with the version from package.json and serves the SDK asset', async () => {
    const port = await freePort()
    const app = startCompiled({ PORT: String(port), DATABASE_PATH: join(dir, 'data', 'app.db'), LOG_LEVEL: 'silent' })
    try {
      const health = await firstAnswer(`http://127.0.0.1:${port}/healthz`)
      expect(health.status, app.stderr()).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok', version: '0.1.0', totals: { portals: 0 } })
      const sdk = await fetch(`http://127.0.0.1:${port}/assets/b24jssdk.js`)
      expect(sdk.status).toBe(200)
      expect((await sdk.text()).length).toBeGreaterThan(10_000)
      expect(existsSync(join(dir, 'data', 'app.db'))).toBe(true)
    } finally {
      app.child.kill('SIGTERM')
      expect(await app.exited).toBe(0)
    }
  }, 60_000)

  it('finds the shipped production calendars from dist/', async () => {
    const path = join(dir, 'rules.json')
    writeFileSync(path, JSON.stringify({ calendar: { country: 'by' } }))
    const app = startCompiled({ RULES_FILE: path, DATABASE_PATH: join(dir, 'calendars.db'), PORT: String(await freePort()) })
    expect(await app.exited).toBe(1)
    expect(app.stderr().trim()).toBe(`Invalid RULES_FILE ${path}: calendar.country has no production calendar in src/calendars (got "by"; shipped: ru)`)
  }, 60_000)
})
