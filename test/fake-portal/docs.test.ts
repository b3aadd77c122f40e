// Every REST method the fake portal implements names its page of the Bitrix24 docs (bitrix24/b24restdocs) in a comment.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { METHODS } from './methods/index.js'

const folder = new URL('./methods/', import.meta.url)
// Being reworked elsewhere (activities and task history; report upload and binding); each names its pages there.
const ELSEWHERE = new Set<string>()

const files = readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'index.ts' && name !== 'registry.ts')

// The method tables a file exports: objects whose every value is a function.
async function methodsOf(file: string): Promise<string[]> {
  const module = (await import(new URL(file, folder).href)) as Record<string, unknown>
  return Object.values(module)
    .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'function'))
    .flatMap((table) => Object.keys(table))
}

// The docs' paths named in the file's comments, e.g. api-reference/crm/leads/crm-lead-list.md.
function docPages(file: string): string[] {
  const comments = readFileSync(new URL(file, folder), 'utf8').split('\n').filter((line) => /^\s*(\/\/|\/\*\*|\*)/.test(line))
  return comments.flatMap((line) => line.match(/api-reference\/[\w./-]+?\.md/g) ?? [])
}

// A page is a method's when its file name spells the method: crm.stagehistory.list ↔ crm-stage-history-list.md.
function pageOf(method: string, pages: readonly string[]): string | undefined {
  const spelled = method.replace(/\./g, '').toLowerCase()
  return pages.find((page) => (page.split('/').at(-1) ?? '').replace(/\.md$/, '').replace(/-/g, '').toLowerCase() === spelled)
}

describe('the fake portal names the doc page of every method', () => {
  it('every registered method comes from one of the method files', async () => {
    const found = (await Promise.all(files.map(methodsOf))).flat()
    expect(found.sort()).toEqual(Object.keys(METHODS).sort())
  })

  it.each(files.filter((file) => !ELSEWHERE.has(file)))('%s', async (file) => {
    const pages = docPages(file)
    const unnamed = (await methodsOf(file)).filter((method) => pageOf(method, pages) === undefined)
    expect(unnamed).toEqual([])
  })

  for (const file of ELSEWHERE) it.todo(`${file} (reworked elsewhere)`)
})
