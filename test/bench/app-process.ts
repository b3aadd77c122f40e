// The app as `npm start` runs it (its TypeScript through tsx, no build), in a child process on 127.0.0.1: for the crash test and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SWEPT_ENTITIES } from '../../src/ingest/sweeper.js'
import type { FakeDelivery, FakePortal } from '../fake-portal/index.js'

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The child's HEALTHZ_TOKEN: /healthz shows per-portal details only to its holder. */
const HEALTHZ_TOKEN = 'bench-healthz-token-0123456789'

/** The parts of GET /healthz the tests and benchmarks read. */
export interface Health {
  status: string
  portals: Array<{
    memberId: string
    inbox: { pending: number; parked: number }
    mirror: { records: number }
    sweeps: Array<{ entity: string; finishedAt: string | null; error: string | null }>
  }>
}

/** A running app process. */
export interface AppProcess {
  readonly child: ChildProcess
  /** http://127.0.0.1:PORT */
  readonly url: string
  /** Resolves once the process has exited, however it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** What the process wrote to stderr so far (start-up failures, crashes). */
  stderr(): string
  /** What the process wrote to stdout so far (its log lines, when LOG_LEVEL lets them out). */
  stdout(): string
  /** Sends `signal` (SIGKILL unless told) unless the process is gone, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts `node --import tsx src/main.ts` with only PATH and the given variables; `preload` adds more `--import`s. */
export function startAppProcess(o: { port: number; env: Record<string, string>; preload?: string[]; ipc?: boolean }): AppProcess {
  const url = `http://127.0.0.1:${o.port}`
  const imports = ['tsx', ...(o.preload ?? [])].flatMap((specifier) => ['--import', specifier])
  const child = spawn(process.execPath, [...imports, 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(o.port), PUBLIC_URL: url, LOG_LEVEL: 'silent', HEALTHZ_TOKEN, ...o.env },
    stdio: o.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let stdout = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  return {
    child,
    url,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** GET /healthz once; undefined while the app is not listening. */
export async function health(app: AppProcess): Promise<Health | undefined> {
  try {
    const response = await fetch(`${app.url}/healthz`, { headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })
    return (await response.json()) as Health
  } catch {
    return undefined
  }
}

/** Waits until /healthz answers; throws with the app's stderr when it dies or takes longer than `timeoutMs`. */
export async function waitHealthy(app: AppProcess, timeoutMs = 20_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`the app exited at start-up:\n${app.stderr()}`)
    const answer = await health(app)
    if (answer) return answer
    await sleep(50)
  }
  throw new Error(`the app did not answer /healthz within ${timeoutMs} ms:\n${app.stderr()}`)
}

/**
 * Waits until the portal has delivered every queued event, the first sweep after install has
 * finished and the app has no pending event left; returns the last /healthz.
 */
export async function waitDrained(app: AppProcess, portal: FakePortal, timeoutMs = 60_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await portal.flushEvents()
    const delivered = portal.deliveries.length
    const answer = await health(app)
    const mine = answer?.portals.find((p) => p.memberId === portal.memberId)
    const swept = mine !== undefined && mine.sweeps.length >= SWEPT_ENTITIES.length && mine.sweeps.every((s) => s.finishedAt !== null || s.error !== null)
    if (mine && swept && mine.inbox.pending === 0 && portal.deliveries.length === delivered) return answer as Health
    await sleep(50)
  }
  throw new Error(`the app did not drain its inbox within ${timeoutMs} ms:\n${app.stderr()}`)
}

/** Polls the portal's delivery log and SIGKILLs the app once `accepted` deliveries after index `from` (those `counted`) got a 200. */
export async function killAfterAccepted(
  app: AppProcess, portal: FakePortal, o: { from: number; accepted: number; counted?: (delivery: FakeDelivery) => boolean },
): Promise<void> {
  const counted = o.counted ?? (() => true)
  for (;;) {
    const answered = portal.deliveries.slice(o.from).filter((d) => d.status === 200 && counted(d)).length
    if (answered >= o.accepted) break
    if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`the app died on its own:\n${app.stderr()}`)
    await sleep(1)
  }
  await app.stop('SIGKILL')
}
