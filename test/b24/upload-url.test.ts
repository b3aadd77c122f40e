// The multipart POST to a portal's upload URL: only to the portal's own origin, no redirect followed, the portal's
// error read from its body, and nothing of the URL (it holds a token) in an error.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { B24Error } from '../../src/b24/index.js'
import { postToUploadUrl } from '../../src/b24/upload-url.js'

let server: Server
let origin: string
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '')
    req.resume()
    req.on('end', () => {
      if (req.url?.startsWith('/moved')) {
        res.writeHead(302, { location: 'https://elsewhere.example/rest/upload.json' })
        return res.end()
      }
      if (req.url?.startsWith('/refused')) {
        res.writeHead(400, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ error: 'ERROR_COULD_NOT_SAVE_FILE', error_description: 'Could not save file' }))
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ result: { ID: 7, NAME: 'a.xlsx', DETAIL_URL: `${origin}/docs/a.xlsx` } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const upload = (uploadUrl: string) =>
  postToUploadUrl({ clientEndpoint: `${origin}/rest`, uploadUrl, field: 'file', fileName: 'a.xlsx', bytes: Buffer.from('PK'), timeoutMs: 5_000 })

async function failure(promise: Promise<unknown>): Promise<B24Error> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  if (!(error instanceof B24Error)) throw new Error(`expected a B24Error, got ${String(error)}`)
  return error
}

describe('postToUploadUrl', () => {
  it('posts to the portal\'s origin and returns the file', async () => {
    await expect(upload(`${origin}/rest/upload.json?token=disk%7Cx`)).resolves.toMatchObject({ ID: 7, NAME: 'a.xlsx' })
  })

  it('sends nothing to another origin (another host, port or scheme), and does not quote the URL', async () => {
    const before = seen.length
    for (const foreign of ['https://evil.example/rest/upload.json?auth=secret', `${origin.replace(/:\d+$/, ':1')}/rest/upload.json?auth=secret`]) {
      const error = await failure(upload(foreign))
      expect(error.code).toBe('UPLOAD_URL_FOREIGN')
      expect(error.message).not.toContain('secret')
    }
    expect(seen.length).toBe(before)
  })

  it('refuses a redirect rather than follow it', async () => {
    const error = await failure(upload(`${origin}/moved?auth=secret`))
    expect(error.code).toBe('REDIRECT_REFUSED')
    expect(error.message).toContain('elsewhere.example')
    expect(error.message).not.toContain('secret')
  })

  it('reads the portal\'s error from the body', async () => {
    const error = await failure(upload(`${origin}/refused`))
    expect(error).toMatchObject({ code: 'ERROR_COULD_NOT_SAVE_FILE', httpStatus: 400 })
  })
})
