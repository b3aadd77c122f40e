// The import direction is checked, not hoped for: rules/ stays pure, nothing reaches back up.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

function imports(path: string): string[] {
  const source = readFileSync(path, 'utf8')
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((match) => match[1]!)
}

/**
 * The layers, lowest first: a file may import its own layer and the layers below it, never one above. `rules/` is
 * under all of them (pure, importable by every layer; its own test is above). `config.ts` stays at the top of `src/`
 * (the required entry points are `app.ts`, `main.ts`, `config.ts`) but is a leaf: it reads the environment and
 * imports only `shared/`, so it sits with it.
 */
const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: 'shared', paths: ['src/shared/', 'src/config.ts'] },
  { name: 'b24, store, jobs', paths: ['src/b24/', 'src/store/', 'src/jobs/'] },
  { name: 'settings', paths: ['src/settings/'] },
  { name: 'ingest, enforce, notify', paths: ['src/ingest/', 'src/enforce/', 'src/notify/'] },
  { name: 'portal, auth, queries, reports, robots', paths: ['src/portal/', 'src/auth/', 'src/queries/', 'src/reports/', 'src/robots/'] },
  { name: 'handlers, placements', paths: ['handlers/', 'placements/'] },
  { name: 'app', paths: ['src/app.ts', 'src/services.ts', 'src/main.ts'] },
]

/** The layer of a path relative to the root: its index in LAYERS, 'rules' for rules/, undefined for none. */
function layerOf(path: string): number | 'rules' | undefined {
  if (path.startsWith('rules/')) return 'rules'
  const index = LAYERS.findIndex((layer) => layer.paths.some((prefix) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix)))
  return index < 0 ? undefined : index
}

/** The imports of `file` (relative to the root) that reach a layer above its own, as `file → target (layer)`. */
function upward(file: string, targets: readonly string[]): string[] {
  const own = layerOf(file)
  if (typeof own !== 'number') return []
  return targets
    .filter((target) => target.startsWith('.'))
    .map((target) => relative(root, resolve(root, file, '..', target)).replace(/\.js$/, '.ts'))
    .filter((target) => {
      const layer = layerOf(target)
      return typeof layer === 'number' && layer > own
    })
    .map((target) => `${file} → ${target} (${LAYERS[layerOf(target) as number]!.name} is above ${LAYERS[own]!.name})`)
}

const layered = ['src', 'handlers', 'placements'].flatMap((dir) => files(join(root, dir))).map((file) => relative(root, file))

const DRIVERS = new Set(['better-sqlite3', 'pg'])

describe('import boundaries', () => {
  it('every file in rules/ imports only other files in rules/', () => {
    const offenders = files(join(root, 'rules')).flatMap((file) =>
      imports(file)
        .filter((target) => !target.startsWith('.') || !resolve(file, '..', target).startsWith(join(root, 'rules')))
        .map((target) => `${relative(root, file)} → ${target}`),
    )
    expect(offenders).toEqual([])
  })

  it('only src/store/ imports a database driver (better-sqlite3, pg), only src/b24/ imports the SDK', () => {
    const offenders = ['src', 'handlers', 'placements', 'rules'].flatMap((dir) =>
      files(join(root, dir)).flatMap((file) =>
        imports(file)
          .filter((target) => (DRIVERS.has(target) && !file.includes('/src/store/')) || (target.startsWith('@bitrix24/') && !file.includes('/src/b24/')))
          .map((target) => `${relative(root, file)} → ${target}`),
      ),
    )
    expect(offenders).toEqual([])
  })

  it('outside src/store/, the app reaches the store through the asynchronous port only: no store.sync, no transaction(fn)', () => {
    const offenders = layered.filter((file) => !file.startsWith('src/store/'))
      .filter((file) => /\.sync\.|\.transaction\(/.test(readFileSync(join(root, file), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('every file of src/, handlers/ and placements/ belongs to a layer', () => {
    expect(layered.filter((file) => layerOf(file) === undefined)).toEqual([])
  })

  it('no layer imports a layer above it', () => {
    const offenders = layered.flatMap((file) => upward(file, imports(join(root, file))))
    expect(offenders).toEqual([])
  })

  it('the layer check itself catches an upward import', () => {
    expect(upward('src/store/inbox.ts', ['../enforce/hub.js', '../shared/clock.js', '../../rules/types.js', 'node:fs'])).toEqual([
      'src/store/inbox.ts → src/enforce/hub.ts (ingest, enforce, notify is above b24, store, jobs)',
    ])
    expect(upward('handlers/pages.ts', ['../src/app.js'])).toHaveLength(1)
    expect(upward('src/enforce/decide.ts', ['../ingest/worker.js', '../notify/messages.js', '../settings/portal-settings.js'])).toEqual([])
  })

  it('the check itself catches an outside import', () => {
    expect(imports(join(root, 'test/rules/imports.test.ts'))).toContain('node:fs')
  })
})
