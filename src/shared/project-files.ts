// Where the app's own files are (package.json, app.manifest.json, the production calendars), whether it runs from src/ or from dist/src/.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The folder of the app's package.json, the nearest one above this file: under tsx and once built (dist/src/) alike. */
export const PROJECT_ROOT = rootAbove(import.meta.dirname)

/** A path inside the project folder, e.g. `projectFile('app.manifest.json')`. */
export function projectFile(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments)
}

// The nearest folder up that holds a package.json, as Node itself finds a package's root.
function rootAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`No package.json in ${start} or above it`)
  }
}
