// Secret comparison that takes the same time however early the strings differ.
import { createHash, timingSafeEqual } from 'node:crypto'

/** True when both strings are equal; hashing first keeps the time independent of length and content. */
export function sameSecret(given: string, expected: string): boolean {
  if (expected === '') return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
