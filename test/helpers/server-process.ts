// The app as a process of its own, started as a deployment starts it, for the suites that test starting it.
import { spawn } from 'node:child_process'

/** The project's folder. */
export const ROOT = new URL('../..', import.meta.url).pathname

/** Starts `node <args>` in the project folder with only PATH and `env`; its exit code and what it wrote to stderr. */
export function startServer(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, stderr: () => stderr }
}

/** The first answer of `url` once the server listens (tried every 100 ms, `attempts` times). */
export async function firstAnswer(url: string, attempts = 200): Promise<Response> {
  for (let i = 0; i < attempts; i++) {
    try {
      return await fetch(url)
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`${url} never answered`)
}
