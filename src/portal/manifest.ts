// Reads app.manifest.json: the one list of events, placements and scopes the app registers.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError } from '../shared/app-error.js'
import { projectFile } from '../shared/project-files.js'
import { issueLine } from '../shared/zod-issues.js'

const title = z.object({ ru: z.string().min(1), en: z.string().min(1) })

const manifestSchema = z.object({
  name: title,
  version: z.string().min(1),
  localApplicationForm: z.object({
    handlerPath: z.string().startsWith('/'),
    installPath: z.string().startsWith('/'),
    menuItem: title,
    scopes: z.array(z.string().min(1)).min(1),
  }),
  events: z.object({
    handlerPath: z.string().startsWith('/'),
    codes: z.array(z.string().regex(/^ON[A-Z]+$/)).min(1),
  }),
  placements: z.array(z.object({ code: z.string().regex(/^[A-Z_]+$/), handlerPath: z.string().startsWith('/'), title })),
})

/** The registration the app asks every portal for. */
export type Manifest = z.infer<typeof manifestSchema>

/** The manifest shipped beside package.json; a broken file stops start-up naming the bad key. */
export function loadManifest(path = projectFile('app.manifest.json')): Manifest {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) {
    throw new ConfigError(`Invalid app.manifest.json: ${issueLine(parsed.error, '')}`)
  }
  return parsed.data
}
