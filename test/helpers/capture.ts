// A loopback server that keeps what is POSTed to it: where a test plays the attacker's own endpoint.
import { createServer, type Server } from 'node:http'
import qs from 'qs'

/** A running capture server. */
export interface Capture {
  /** http://127.0.0.1:P */
  readonly url: string
  /** Every request it received, oldest first: path with query, and the parsed form body. */
  readonly requests: ReadonlyArray<{ url: string; body: Record<string, any> }>
  /** Resolves with the next request's parsed body (or the one already there). */
  next(): Promise<Record<string, any>>
  close(): Promise<void>
}

/** Starts a capture server on 127.0.0.1 that answers every request 200 `{}`. */
export async function startCapture(): Promise<Capture> {
  const requests: Array<{ url: string; body: Record<string, any> }> = []
  let waiting: Array<(body: Record<string, any>) => void> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = qs.parse(Buffer.concat(chunks).toString('utf8'), { depth: 10 }) as Record<string, any>
      requests.push({ url: req.url ?? '/', body })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      const resolve = waiting.shift()
      resolve?.(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('capture server has no port')
  let seen = 0
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    next() {
      const index = seen++
      const ready = requests[index]
      if (ready) return Promise.resolve(ready.body)
      return new Promise((resolve) => waiting.push(resolve))
    },
    async close() {
      waiting = []
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
