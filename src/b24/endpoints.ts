// Where a portal's REST calls and token refreshes go, derived from the endpoints the portal sent.

/** The token endpoint: `${oauthUrl}/oauth/token/`, else derived from serverEndpoint (https://oauth.bitrix.info/rest/ → …/oauth/token/). */
export function tokenUrl(oauthUrl: string | undefined, serverEndpoint: string): string {
  const base = oauthUrl ? withoutTrailingSlash(oauthUrl) : withoutTrailingSlash(serverEndpoint).replace(/\/rest$/, '')
  return `${base}/oauth/token/`
}

/** The URL without trailing slashes (a client_endpoint of …/rest/ would otherwise give …/rest//method). */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
