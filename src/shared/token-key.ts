// The key that seals the portals' tokens at rest: TOKEN_KEY as given, or derived from B24_CLIENT_SECRET.
import { hkdfSync } from 'node:crypto'

/** AES-256: a key is 32 bytes. */
export const TOKEN_KEY_BYTES = 32

/** What TOKEN_KEY must look like, for the one-line error that refuses anything else. */
export const TOKEN_KEY_FORMAT = 'must be 32 bytes written as 64 hex digits or 44 base64 characters (openssl rand -base64 32)'

/** The 32 bytes a TOKEN_KEY spells in hex or base64 (base64url too); undefined when it spells anything else. */
export function parseTokenKey(text: string): Buffer | undefined {
  const value = text.trim()
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex')
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined
  const key = Buffer.from(value, 'base64')
  return key.length === TOKEN_KEY_BYTES ? key : undefined
}

/**
 * The key an app without TOKEN_KEY uses: HKDF-SHA256 of B24_CLIENT_SECRET under a fixed salt and label, so the same
 * secret gives the same key on any machine; a different label keeps it unrelated to every other use of the secret.
 */
export function deriveTokenKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'b24-rules-app', 'token key v1', TOKEN_KEY_BYTES))
}
