// The portal listener: POST /rest/<method>[.json] with JSON or form bodies, auth, bucket, faults, call log.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { runBatch } from './batch.js'
import { asCall } from './emit.js'
import { HTML_502, RestError, phpJson, timeBlock } from './envelope.js'
import { parseForm, readBody, send } from './http.js'
import { UPLOAD_FIELD, fileView, storeFile } from './methods/disk.js'
import { METHODS } from './methods/index.js'
import type { Method, MethodResult } from './methods/registry.js'
import { LOG_LIMIT, type PortalState } from './state.js'
import type { FakeCall } from './types.js'
import { isRecord, pushBounded, sleep, type Params } from './util.js'

const METHOD_PATH = /^\/rest\/([A-Za-z0-9_.]+?)(?:\.json)?$/

interface Answer { status: number; body: string; contentType?: string }

/** Handles one HTTP request to the portal listener. */
export async function handlePortal(state: PortalState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = state.now()
  const url = new URL(req.url ?? '/', 'http://portal.invalid')
  if (url.pathname === '/rest/download.json') return serveDownload(state, url, res)
  if (url.pathname === '/rest/upload.json') return receiveUpload(state, url, req, res)
  const match = METHOD_PATH.exec(url.pathname)
  // `/rest//crm.lead.get` (a client_endpoint with its slash plus "/method") names no method.
  const method = (match?.[1] ?? url.pathname.replace(/^\/rest\//, '')).toLowerCase()
  let params: Params = {}
  let auth: unknown
  try {
    ;({ params, auth } = await parseRequest(req, url))
  } catch {
    const call: FakeCall = { at, method, params: {}, httpStatus: 400, error: 'INVALID_REQUEST', viaBatch: false, userId: null }
    pushBounded(state.calls, call, LOG_LIMIT)
    return send(res, 400, phpJson({ error: 'INVALID_REQUEST', error_description: 'Request body could not be parsed' }))
  }
  const call: FakeCall = { at, method, params, httpStatus: 0, viaBatch: false, userId: null }
  pushBounded(state.calls, call, LOG_LIMIT)
  const chaos = match === null ? null : state.faults.takeChaos()
  if (chaos !== null) call.chaos = chaos.kind
  if (chaos !== null && 'status' in chaos) {
    call.httpStatus = chaos.status
    call.error = chaos.error
    return send(res, chaos.status, phpJson({ error: chaos.error, error_description: chaos.description }))
  }
  if (chaos?.kind === 'disconnect' && !chaos.afterWork) {
    call.error = 'DISCONNECTED'
    req.socket.destroy()
    return
  }
  const answer = match === null ? errorAnswer(new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!')) : execute(state, call, params, auth)
  call.httpStatus = answer.status
  // The work is done; the connection is cut before the answer (a proxy or the network dropped it).
  if (chaos?.kind === 'disconnect') {
    req.socket.destroy()
    return
  }
  // Done, and answered after the client stopped waiting.
  if (chaos?.kind === 'timeout') await sleep(chaos.ms)
  // A slow fault delays the answer after the work is done, like a portal that finished but timed out on the client.
  const delay = state.faults.takeSlow(method, method === 'batch' ? commandMethods(params) : [])
  if (delay > 0) await sleep(delay)
  send(res, answer.status, answer.body, answer.contentType)
}

// The methods a batch's commands call (`cmd[key]=crm.lead.update?id=…`), lower-case.
function commandMethods(params: Params): string[] {
  const cmd = params.cmd
  const commands = Array.isArray(cmd) ? cmd : isRecord(cmd) ? Object.values(cmd) : []
  return commands.map((command) => String(command).split('?')[0]?.trim().toLowerCase() ?? '')
}

function execute(state: PortalState, call: FakeCall, params: Params, auth: unknown): Answer {
  const fault = state.faults.takeFail(call.method, false)
  if (fault !== null) {
    call.error = fault.error
    if (fault.error === 'HTML') return { status: fault.status, body: HTML_502, contentType: 'text/html' }
    return errorAnswer(new RestError(fault.status, fault.error, fault.description), call)
  }
  if (state.bucket !== null && !state.bucket.take()) {
    return errorAnswer(new RestError(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'), call)
  }
  const check = typeof auth === 'string' && auth !== '' ? state.tokens.check(auth) : null
  if (check === null) return errorAnswer(new RestError(401, 'NO_AUTH_FOUND', 'Wrong authorization data'), call)
  if (!check.ok) return errorAnswer(new RestError(check.status, check.error, check.description), call)
  call.userId = check.userId
  const fn: Method | undefined = call.method === 'batch' ? (ctx, p) => runBatch(ctx, METHODS, p) : METHODS[call.method]
  if (fn === undefined) return errorAnswer(new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'), call)
  const started = state.now()
  let outcome: MethodResult
  try {
    outcome = asCall(state, params, () => fn({ state, userId: check.userId, viaBatch: false }, params))
  } catch (err) {
    if (err instanceof RestError) return errorAnswer(err, call)
    // A bug in the fake itself: say so, so a failing test points here rather than at the app.
    const reason = err instanceof Error ? err.message : String(err)
    return errorAnswer(new RestError(500, 'INTERNAL_SERVER_ERROR', `Internal server error (fake portal: ${reason})`), call)
  }
  const finished = state.now()
  const body: Record<string, unknown> = { result: outcome.result }
  if (outcome.total !== undefined) body.total = outcome.total
  if (outcome.next !== undefined) body.next = outcome.next
  body.time = timeBlock(started, finished, state.cfg.offset, operating(state, call.method, (finished - started) / 1000))
  return { status: 200, body: phpJson(body) }
}

function errorAnswer(err: RestError, call?: FakeCall): Answer {
  if (call !== undefined) call.error = err.code
  return { status: err.status, body: phpJson(err.body()) }
}

/** Seconds a method has used in the last ten one-minute buckets (limits.md), including this call. */
function operating(state: PortalState, method: string, seconds: number): number {
  const minute = Math.floor(state.now() / 60_000)
  const buckets = state.operating.get(method) ?? new Map<number, number>()
  buckets.set(minute, (buckets.get(minute) ?? 0) + seconds)
  let total = 0
  for (const [m, s] of buckets) {
    if (m <= minute - 10) buckets.delete(m)
    else total += s
  }
  state.operating.set(method, buckets)
  return total
}

async function parseRequest(req: IncomingMessage, url: URL): Promise<{ params: Params; auth: unknown }> {
  const raw = (await readBody(req)).toString('utf8')
  const type = (req.headers['content-type'] ?? '').toLowerCase()
  let body: Params = {}
  if (type.includes('application/json')) {
    const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw)
    body = isRecord(parsed) ? parsed : {}
  } else if (raw !== '' && !type.includes('multipart/')) {
    body = parseForm(raw)
  }
  const merged: Params = { ...parseForm(url.search.slice(1)), ...body }
  const auth = merged.auth
  const params: Params = {}
  for (const [key, value] of Object.entries(merged)) if (key !== 'auth' && !key.startsWith('bx24_')) params[key] = value
  return { params, auth }
}

function serveDownload(state: PortalState, url: URL, res: ServerResponse): void {
  const token = url.searchParams.get('token') ?? ''
  const id = Number(token.replace(/^disk\|/, ''))
  const file = state.store.files.find((f) => f.id === id)
  if (file === undefined) return send(res, 404, phpJson({ error: 'ERROR_NOT_FOUND', error_description: 'File not found' }))
  res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
  send(res, 200, file.bytes, 'application/octet-stream')
}

/**
 * The POST to an upload URL from disk.folder.uploadfile: multipart/form-data with the file in the `field` the call
 * named; answers as disk.folder.uploadfile does (disk-folder-upload-file.md#uploadurl). Each URL takes one file.
 * Logged as the call `upload.json`; `faults.fail({ method: 'upload.json', ... })` makes it fail.
 */
async function receiveUpload(state: PortalState, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const call: FakeCall = { at: state.now(), method: 'upload.json', params: {}, httpStatus: 0, viaBatch: false, userId: null }
  pushBounded(state.calls, call, LOG_LIMIT)
  const answer = (status: number, body: Record<string, unknown>) => {
    call.httpStatus = status
    if (typeof body.error === 'string') call.error = body.error
    send(res, status, phpJson(body))
  }
  const body = await readBody(req)
  const fault = state.faults.takeFail('upload.json', false)
  if (fault !== null) return answer(fault.status, { error: fault.error, error_description: fault.description ?? '' })
  const token = url.searchParams.get('token') ?? ''
  const upload = state.store.uploads.get(token)
  if (req.method !== 'POST' || upload === undefined) return answer(401, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' })
  let file: unknown
  try {
    const form = await new Request('http://portal.invalid/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(body) }).formData()
    file = form.get(UPLOAD_FIELD)
  } catch {
    return answer(400, { error: 'INVALID_REQUEST', error_description: 'Request body could not be parsed' })
  }
  if (!(file instanceof Blob)) return answer(400, { error: 'ERROR_COULD_NOT_SAVE_FILE', error_description: 'Could not save file' })
  const name = upload.name ?? (file instanceof File ? file.name : '')
  if (name === '') return answer(400, { error: 'DISK_BASE_SERVICE_22001', error_description: 'Error: required parameter NAME (DISK_BASE_SERVICE_22001)' })
  state.store.uploads.delete(token)
  call.userId = upload.userId
  const started = state.now()
  try {
    const stored = storeFile(state, { ...upload, name, rights: [] }, Buffer.from(await file.arrayBuffer()), 'uploadUrl')
    answer(200, { result: fileView(state, stored), time: timeBlock(started, state.now(), state.cfg.offset) })
  } catch (err) {
    if (err instanceof RestError) return answer(err.status, err.body())
    throw err
  }
}
