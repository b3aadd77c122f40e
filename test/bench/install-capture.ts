// The tokens a fake portal hands an app at install: a one-off listener on 127.0.0.1 takes the ONAPPINSTALL POST.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import qs from 'qs'
import type { FakePortal } from '../fake-portal/index.js'

/** What ONAPPINSTALL's auth block carries. */
export interface InstallTokens {
  accessToken: string
  refreshToken: string
  expiresAt: number
  applicationToken: string
  scope: string
}

/** Installs the app API-only on `portal` and returns the tokens from its ONAPPINSTALL; `issuedAtMs` is the portal's clock. */
export async function installTokens(portal: FakePortal, issuedAtMs: number): Promise<InstallTokens> {
  let body = ''
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    await portal.installApp({ installUrl: `http://127.0.0.1:${port}/install` })
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
  const auth = (qs.parse(body) as { auth?: Record<string, string> }).auth ?? {}
  if (!auth.access_token || !auth.refresh_token) throw new Error(`no tokens in the ONAPPINSTALL POST: ${body.slice(0, 200)}`)
  return {
    accessToken: auth.access_token, refreshToken: auth.refresh_token, expiresAt: Math.floor(issuedAtMs / 1000) + Number(auth.expires_in),
    applicationToken: auth.application_token ?? '', scope: auth.scope ?? 'crm',
  }
}
