// Links to a record or task on the portal, the same on every page: a real address, opened by PORTAL_FRAME in the portal's slider.
import { html, type Raw } from './html.js'

/**
 * An `<a>` to `path` on the portal's `origin` that opens in a new tab, with or without a script; in the portal's
 * frame PORTAL_FRAME opens `data-path` in the portal's slider instead.
 */
export function recordLink(origin: string, path: string, label: Raw | string): Raw {
  return html`<a href="${origin}${path}" data-path="${path}" target="_blank" rel="noopener">${label}</a>`
}
