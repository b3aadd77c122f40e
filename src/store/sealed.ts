// Seals secrets at rest: AES-256-GCM, a random 12-byte IV per value, bound to the place the value is kept.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

// v1:<iv>:<tag>:<ciphertext>, each base64url: a 12-byte IV is 16 characters, a 16-byte tag 22.
const SEALED = /^v1:([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/
const KEY_CHECK_LABEL = 'b24-rules-app token key check v1'

/** A sealed value that does not open: altered, moved to another place, or sealed under another key. */
export class SealError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SealError'
  }
}

/** True when `value` has the shape of a sealed value (it may still fail to open). */
export function isSealed(value: string): boolean {
  return SEALED.test(value)
}

/** Seals and opens values under one 32-byte key; `place` (such as `portals.access_token:<member_id>`) is authenticated with each value. */
export class Sealer {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length !== 32) throw new RangeError('an AES-256 key is 32 bytes')
    this.#key = Buffer.from(key)
  }

  /** `clear` encrypted and authenticated, as `v1:<iv>:<tag>:<ciphertext>`; a new random IV every call. */
  seal(clear: string, place: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(place, 'utf8'))
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()])
    return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`
  }

  /** The clear value sealed at `place` under this key; throws SealError for anything else. */
  open(sealed: string, place: string): string {
    const parts = SEALED.exec(sealed)
    if (!parts) throw new SealError(`the value at ${place} is not sealed`)
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(parts[1]!, 'base64url'), { authTagLength: 16 })
      decipher.setAAD(Buffer.from(place, 'utf8'))
      decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      throw new SealError(`the value at ${place} does not open: altered, moved, or sealed under another key`)
    }
  }

  /** A value that tells this key from another without revealing it: HMAC-SHA256 of a fixed label. */
  keyCheck(): string {
    return createHmac('sha256', this.#key).update(KEY_CHECK_LABEL).digest('base64url')
  }
}
