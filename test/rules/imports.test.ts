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

describe('import boundaries', () => {
  it('every file in rules/ imports only other files in rules/', () => {
    const offenders = files(join(root, 'rules')).flatMap((file) =>
      imports(file)
        .filter((target) => !target.startsWith('.') || !resolve(file, '..', target).startsWith(join(root, 'rules')))
        .map((target) => `${relative(root, file)} → ${target}`),
    )
    expect(offenders).toEqual([])
  })

  it('only src/store/ imports better-sqlite3, only src/b24/ imports the SDK', () => {
    const offenders = ['src', 'handlers', 'placements', 'rules'].flatMap((dir) =>
      files(join(root, dir)).flatMap((file) =>
        imports(file)
          .filter((target) => (target === 'better-sqlite3' && !file.includes('/src/store/')) || (target.startsWith('@bitrix24/') && !file.includes('/src/b24/')))
          .map((target) => `${relative(root, file)} → ${target}`),
      ),
    )
    expect(offenders).toEqual([])
  })

  it('the check itself catches an outside import', () => {
    expect(imports(join(root, 'test/rules/imports.test.ts'))).toContain('node:fs')
  })
})
