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

/**
 * PHP's `urlencode` (what `http_build_query` uses by default, PHP_QUERY_RFC1738): `A-Za-z0-9_.-` stay,
 * a space becomes `+`, every other UTF-8 byte `%XX` (so `~ ! * ' ( )` too, unlike encodeURIComponent).
 */
export function phpUrlencode(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    if (UNRESERVED[byte] === 1) out += String.fromCharCode(byte)
    else if (byte === 0x20) out += '+'
    else out += HEX_BYTES[byte]
  }
  return out
}

const UNRESERVED = new Uint8Array(256).map((_, b) => (/[A-Za-z0-9_.-]/.test(String.fromCharCode(b)) ? 1 : 0))
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)

/**
 * The body a portal POSTs, as PHP's `http_build_query` writes it: nested keys `data%5BFIELDS%5D%5BID%5D=7`,
 * lists `key%5B0%5D=…`, null and undefined left out, true `1`, false `0` (ext/standard/http.c), an empty
 * array no field at all.
 */
export function encodeForm(value: Record<string, unknown>): string {
  const pairs: string[] = []
  addPairs(pairs, value, null)
  return pairs.join('&')
}

function addPairs(pairs: string[], value: object, prefix: string | null): void {
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
    const name = prefix === null ? phpUrlencode(key) : `${prefix}%5B${phpUrlencode(key)}%5D`
    if (typeof item === 'object') addPairs(pairs, item, name)
    else pairs.push(`${name}=${phpUrlencode(formScalar(item))}`)
  }
}

function formScalar(value: string | number | bigint | boolean): string {
  if (value === true) return '1'
  if (value === false) return '0'
  return String(value)
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
