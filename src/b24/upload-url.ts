// The second step of an upload "via URL" (disk.folder.uploadfile without fileContent): the file POSTed as multipart to
// the uploadUrl the portal gave (api-reference/disk/folder/disk-folder-upload-file.md#uploadurl). The URL carries an
// auth token and the body CRM data, so it goes only to the portal's own origin, with no redirect followed.
import { B24Error } from './b24-error.js'
import { CLIENT_CODES, errorFromBody } from './error-mapping.js'
import { isRedirectStatus, redirectRefused, redirectTargetHost } from './redirects.js'
import { isTimeout } from '../shared/errors.js'

/** The name every error of this step carries in place of a REST method. */
export const UPLOAD_URL_METHOD = 'disk.folder.uploadfile (upload URL)'

/** What the POST needs: the portal's REST endpoint (its origin is the only one allowed), the portal's answer, the file. */
export interface UploadToUrl {
  clientEndpoint: string
  uploadUrl: string
  field: string
  fileName: string
  bytes: Buffer
  timeoutMs: number
}

/** POSTs the file and returns the `result` of the portal's answer (the file, as disk.folder.uploadfile answers); throws B24Error. */
export async function postToUploadUrl(upload: UploadToUrl): Promise<unknown> {
  const target = sameOrigin(upload.uploadUrl, upload.clientEndpoint)
  const form = new FormData()
  form.append(upload.field, new Blob([new Uint8Array(upload.bytes)]), upload.fileName)
  let response: Response
  try {
    response = await fetch(target, { method: 'POST', body: form, redirect: 'manual', signal: AbortSignal.timeout(upload.timeoutMs) })
  } catch (error) {
    const timedOut = isTimeout(error)
    // The message of a fetch failure may quote the URL, and the URL holds a token: only the host is said.
    throw new B24Error({
      method: UPLOAD_URL_METHOD, code: timedOut ? CLIENT_CODES.timeout : CLIENT_CODES.network,
      description: `${timedOut ? 'no answer' : 'network error'} from ${target.host}`, httpStatus: 0,
    })
  }
  if (isRedirectStatus(response.status)) {
    throw redirectRefused(UPLOAD_URL_METHOD, { status: response.status, targetHost: redirectTargetHost(response.headers.get('location'), target.href) })
  }
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new B24Error({ method: UPLOAD_URL_METHOD, code: 'UNEXPECTED_ANSWER', description: 'the upload answer is not JSON', httpStatus: response.status })
  }
  const refused = errorFromBody(body, response.status, UPLOAD_URL_METHOD)
  if (refused) throw refused
  if (!response.ok || typeof body !== 'object' || body === null || !('result' in body)) {
    throw new B24Error({ method: UPLOAD_URL_METHOD, code: 'UNEXPECTED_ANSWER', description: 'the upload answer has no result', httpStatus: response.status })
  }
  return (body as { result: unknown }).result
}

// The upload URL as a URL, when it is on the portal's own origin (scheme, host and port); anything else is refused unsent.
function sameOrigin(uploadUrl: string, clientEndpoint: string): URL {
  let target: URL
  try {
    target = new URL(uploadUrl)
  } catch {
    throw new B24Error({ method: UPLOAD_URL_METHOD, code: 'UPLOAD_URL_INVALID', description: 'the portal gave an upload URL that is not a URL', httpStatus: 0 })
  }
  const portal = new URL(clientEndpoint)
  if (target.origin !== portal.origin) {
    throw new B24Error({
      method: UPLOAD_URL_METHOD, code: 'UPLOAD_URL_FOREIGN',
      description: `the upload URL points to ${target.protocol}//${target.host}, not to the portal ${portal.origin}; nothing was sent`, httpStatus: 0,
    })
  }
  return target
}
