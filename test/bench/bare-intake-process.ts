// The intake's baseline, the bare route (test/bench/bare-intake.ts), in a child process of its own as the app is.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

/** Starts the bare route on `port` writing to the SQLite file `databasePath`; resolves with its URL once it answers. */
export async function startBareIntake(databasePath: string, port: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'bare-intake.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_PATH: databasePath }, stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = () => { child.kill('SIGKILL') }
  process.once('exit', stop)
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    const up = await fetch(url, { method: 'HEAD' }).then(() => true, () => false)
    if (up) return { url, stop }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the bare intake route did not start')
}
