// HTTP plumbing: loopback listeners, body reading and parsing, and the portal's outgoing POSTs.
import { request as httpRequest, createServer, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import qs from 'qs'
import type { FakeReply } from './types.js'
import type { Params } from './util.js'

/** A request handler of one listener. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** Starts a listener on 127.0.0.1 with a free port; resolves with the server and its base URL. */
export async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: 'INTERNAL_SERVER_ERROR', error_description: String(err) }))
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('listener has no port')
  return { server, url: `http://127.0.0.1:${address.port}` }
}

/** Stops a listener and drops its open connections. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Most bytes a request body may have (disk uploads travel as base64 inside it). */
export const BODY_LIMIT = 64 * 1024 * 1024

/** Reads a whole request body; rejects past BODY_LIMIT. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > BODY_LIMIT) throw new Error('body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks)
}

/** Parses PHP-style nested form keys (`auth[member_id]`, `cmd[a]`) the way the portal does. */
export function parseForm(text: string): Params {
  return qs.parse(text, { depth: 20, arrayLimit: 1000, parameterLimit: 100_000, allowDots: false }) as Params
}

/** Encodes a nested object as PHP-style form fields (`data[FIELDS][ID]=7`), brackets percent-encoded. */
export function encodeForm(value: Record<string, unknown>): string {
  return qs.stringify(value, { encodeValuesOnly: false })
}

/** Writes a complete answer. */
export function send(res: ServerResponse, status: number, body: string | Buffer, contentType = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** The portal's outgoing POSTs to the app (events, install, frames); close() cuts those still open. */
export class Outgoing {
  private readonly open = new Set<ClientRequest>()

  /** POSTs a body on a fresh connection; rejects on network errors and after `timeoutMs`. */
  post(url: string, body: string, contentType: string, timeoutMs = 10_000): Promise<FakeReply> {
    const target = new URL(url)
    const requester = target.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const req = requester(target, {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        },
      })
      this.open.add(req)
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          this.open.delete(req)
          resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') })
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)))
      req.on('error', (err) => {
        this.open.delete(req)
        reject(err)
      })
      req.end(body)
    })
  }

  /** Cuts every request still waiting for the app. */
  abortAll(): void {
    for (const req of this.open) req.destroy(new Error('fake portal closed'))
    this.open.clear()
  }
}

function flatHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
  return headers
}
