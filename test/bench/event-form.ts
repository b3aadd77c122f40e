// Event POST bodies exactly as the portal builds them: a real delivery as the template, only the record id and ts changed.
import qs from 'qs'
import { encodeForm } from '../fake-portal/http.js'
import type { FakeDelivery } from '../fake-portal/index.js'

/** `count` ONCRMLEADUPDATE bodies for `ids` in turn, each (id, ts) pair once, so none is a duplicate of another. */
export function leadUpdateBodies(template: FakeDelivery, ids: readonly string[], count: number, firstTs: number): string[] {
  const form = qs.parse(template.body, { depth: 10 }) as Record<string, unknown>
  if (form.event !== 'ONCRMLEADUPDATE') throw new Error(`the template is ${String(form.event)}, not ONCRMLEADUPDATE`)
  return Array.from({ length: count }, (_, i) =>
    // The same key order as the portal: event, event_handler_id, data, ts, auth (with member_id and application_token).
    encodeForm({ ...form, data: { FIELDS: { ID: ids[i % ids.length] } }, ts: String(firstTs + Math.floor(i / ids.length)) }))
}
