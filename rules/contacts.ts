// Phones and e-mails written the many ways people write them, reduced to one key for matching.
import { multifield } from './record.js'
import type { Snapshot } from './types.js'

/** A phone as digits, Russian numbers as 7XXXXXXXXXX (+7, 8, spaces, dashes, brackets ignored); '' if too short. */
export function phoneKey(raw: string): string {
  let digits = raw.replace(/\D/g, '')
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) digits = `7${digits.slice(1)}`
  else if (digits.length === 10 && digits.startsWith('9')) digits = `7${digits}`
  return digits.length >= 7 ? digits : ''
}

/** An e-mail in lower case without spaces; '' if it is not one. */
export function emailKey(raw: string): string {
  const email = raw.trim().toLowerCase()
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : ''
}

/** Every matching key of a record's PHONE and EMAIL fields: "phone:7…", "email:…". */
export function contactKeys(record: Snapshot): string[] {
  const phones = multifield(record, 'PHONE').map(phoneKey).filter(Boolean).map((key) => `phone:${key}`)
  const emails = multifield(record, 'EMAIL').map(emailKey).filter(Boolean).map((key) => `email:${key}`)
  return [...new Set([...phones, ...emails])]
}
