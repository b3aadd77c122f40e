// Pages inside the portal may be framed by that portal only.

/** The CSP header value that lets only the portal behind `clientEndpoint` frame a page. */
export function frameAncestors(clientEndpoint: string): string {
  return `frame-ancestors 'self' ${new URL(clientEndpoint).origin}`
}
