// Reading untyped JSON (portal answers, event bodies, settings files): is this a JSON object, and its fields.

/** True for a JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The value when it is a JSON object, else an empty one: a part a payload lacks or sends malformed reads as empty. */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {}
}
