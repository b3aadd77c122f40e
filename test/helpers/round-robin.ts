// A round-robin sender in front of several app instances, as a load balancer is: each request goes to the next
// instance; one that refuses the connection (stopped, killed) is skipped and the request goes to the one after it.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'

/** The sender: its address, the instances' addresses (change them as instances come and go), and how it sent. */
export interface RoundRobin {
  url: string
  targets: string[]
  /** Answers per instance address, and requests no instance took. */
  counts: Map<string, number>
  failed: number
  close(): Promise<void>
}

const read = (stream: IncomingMessage) => new Promise<Buffer>((resolve, reject) => {
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject)
})

/** Starts a sender on 127.0.0.1 over `targets` (http://127.0.0.1:PORT each). */
export async function startRoundRobin(targets: string[]): Promise<RoundRobin> {
  let next = 0
  const rr: RoundRobin = { url: '', targets, counts: new Map(), failed: 0, close: () => close() }
  const forward = (target: string, req: IncomingMessage, body: Buffer) => new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const out = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (res) => {
      read(res).then((answer) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: answer }), reject)
    })
    out.on('error', reject)
    out.end(body)
  })
  const server: Server = createServer((req, res) => {
    void read(req).then(async (body) => {
      // Every instance tried once, starting from the next one; only a refused connection moves on.
      for (let tried = 0; tried < rr.targets.length; tried++) {
        const target = rr.targets[next++ % rr.targets.length]!
        try {
          const answer = await forward(target, req, body)
          rr.counts.set(target, (rr.counts.get(target) ?? 0) + 1)
          res.writeHead(answer.status, answer.headers).end(answer.body)
          return
        } catch {
          // connection refused or cut: the next instance
        }
      }
      rr.failed++
      res.writeHead(502).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  rr.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
  return rr
}
