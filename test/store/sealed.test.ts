// The cipher that seals tokens at rest, and the key it takes: tampered, moved or foreign values never open.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isSealed, SealError, Sealer } from '../../src/store/sealed.js'
import { deriveTokenKey, parseTokenKey } from '../../src/shared/token-key.js'

const key = randomBytes(32)
const place = 'portals.access_token:a223c6b3710f85df22e9377d6c4f7553'
const token = 'e3f1c26600730c4b0075a1230000000100000726c5dd4e3bde2a6d8a1e5e9b6cd6d1a2'

// The sealed text with one character of part `index` (0 version, 1 IV, 2 tag, 3 ciphertext) changed.
function altered(sealed: string, index: number): string {
  const parts = sealed.split(':')
  const part = parts[index]!
  parts[index] = (part[0] === 'A' ? 'B' : 'A') + part.slice(1)
  return parts.join(':')
}

describe('Sealer', () => {
  const sealer = new Sealer(key)

  it('seals to v1:<iv>:<tag>:<ciphertext> in base64url, never the clear text, and opens back', () => {
    const sealed = sealer.seal(token, place)
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/)
    expect(isSealed(sealed)).toBe(true)
    expect(sealed).not.toContain(token)
    expect(sealer.open(sealed, place)).toBe(token)
    expect(sealer.open(sealer.seal('', place), place)).toBe('')
    expect(sealer.open(sealer.seal('ключ ✓', place), place)).toBe('ключ ✓')
  })

  it('draws a new IV for every value: the same token sealed twice reads differently', () => {
    const values = new Set(Array.from({ length: 50 }, () => sealer.seal(token, place)))
    expect(values.size).toBe(50)
    expect(new Set([...values].map((value) => value.split(':')[1])).size).toBe(50)
  })

  it.each([
    ['the IV', 1],
    ['the tag', 2],
    ['the ciphertext', 3],
  ])('refuses a value whose %s was altered', (_part, index) => {
    expect(() => sealer.open(altered(sealer.seal(token, place), index), place)).toThrow(SealError)
  })

  it('refuses a value sealed under another key, naming the place but not the value', () => {
    const foreign = new Sealer(randomBytes(32)).seal(token, place)
    expect(() => sealer.open(foreign, place)).toThrow(`the value at ${place} does not open: altered, moved, or sealed under another key`)
  })

  it('refuses a value moved to another place (another column or portal)', () => {
    const sealed = sealer.seal(token, place)
    expect(() => sealer.open(sealed, 'portals.refresh_token:a223c6b3710f85df22e9377d6c4f7553')).toThrow(SealError)
    expect(() => sealer.open(sealed, 'portals.access_token:another')).toThrow(SealError)
  })

  it('refuses what is not sealed at all, and values of an unknown version', () => {
    expect(() => sealer.open(token, place)).toThrow(`the value at ${place} is not sealed`)
    expect(() => sealer.open(sealer.seal(token, place).replace(/^v1:/, 'v2:'), place)).toThrow(SealError)
    expect(isSealed(token)).toBe(false)
  })

  it('has a key check that tells keys apart and does not change with use', () => {
    expect(sealer.keyCheck()).toBe(new Sealer(Buffer.from(key)).keyCheck())
    expect(sealer.keyCheck()).not.toBe(new Sealer(randomBytes(32)).keyCheck())
    expect(sealer.keyCheck()).not.toContain(key.toString('base64url'))
  })

  it('takes 32-byte keys only', () => {
    expect(() => new Sealer(randomBytes(16))).toThrow(RangeError)
  })
})

describe('token keys', () => {
  it('reads TOKEN_KEY as 64 hex digits, base64 or base64url', () => {
    expect(parseTokenKey(key.toString('hex'))).toEqual(key)
    expect(parseTokenKey(key.toString('hex').toUpperCase())).toEqual(key)
    expect(parseTokenKey(key.toString('base64'))).toEqual(key)
    expect(parseTokenKey(key.toString('base64url'))).toEqual(key)
    expect(parseTokenKey(` ${key.toString('base64')}\n`)).toEqual(key)
  })

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['16 bytes in hex', randomBytes(16).toString('hex')],
    ['48 bytes in base64', randomBytes(48).toString('base64')],
    ['63 hex digits', key.toString('hex').slice(1)],
  ])('refuses %s', (_what, text) => {
    expect(parseTokenKey(text)).toBeUndefined()
  })

  it('derives the same key from the same B24_CLIENT_SECRET anywhere, another from another', () => {
    expect(deriveTokenKey('secret-1')).toEqual(deriveTokenKey('secret-1'))
    expect(deriveTokenKey('secret-1')).toHaveLength(32)
    expect(deriveTokenKey('secret-1')).not.toEqual(deriveTokenKey('secret-2'))
  })
})
