// Launches the headless Chromium the browser suites drive: the npm package's own build, or CHROMIUM_PATH.
import { existsSync } from 'node:fs'
import Chromium from '@sparticuz/chromium'
import { chromium, type Browser } from 'playwright-core'

// No sandbox and no GPU in a container; no background connections (updates, sync), which the closed test network refuses.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/**
 * A headless Chromium through playwright-core, which never downloads a browser: the one at `CHROMIUM_PATH`
 * when set, otherwise @sparticuz/chromium's build (unpacked into the system temp folder on first use) with its flags.
 */
export async function launchBrowser(options: { timeout?: number } = {}): Promise<Browser> {
  const custom = process.env.CHROMIUM_PATH || undefined
  if (custom !== undefined && !existsSync(custom)) throw new Error(`CHROMIUM_PATH is ${custom}: no such file`)
  const executablePath = custom ?? (await Chromium.executablePath())
  const args = custom === undefined ? [...Chromium.args, ...ARGS] : ARGS
  return chromium.launch({ executablePath, args, headless: true, timeout: options.timeout })
}
