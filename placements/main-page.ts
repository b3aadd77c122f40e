// Outside the portal, the app's main page (the dashboard) opens under a bar saying who is signed in, with a way out.
import type { Portal } from '../src/store/portals.js'
import { html, type Raw } from './html.js'

/** Who is looking at the main page, as the portal confirmed it. */
export interface MainPageViewer {
  userId: number
  /** The name as the portal's directory has it (`#<id>` when unknown). */
  name: string
  isAdmin: boolean
}

/** The bar above the main page outside the portal: the user, the portal, log out. */
export function signedInBar(portal: Pick<Portal, 'domain' | 'memberId'>, who: MainPageViewer, lang: 'ru' | 'en'): Raw {
  const t = lang === 'ru'
    ? { signedIn: 'Вы вошли как', portal: 'Портал', admin: 'администратор', logout: 'Выйти' }
    : { signedIn: 'Signed in as', portal: 'Portal', admin: 'administrator', logout: 'Log out' }
  return html`<div class="signed-in">
<p class="who">${t.signedIn} <strong class="user">${who.name}</strong>${who.isAdmin ? html` (${t.admin})` : ''} · <span class="portal">${t.portal}: <strong>${portal.domain}</strong></span></p>
<form method="POST" action="/app/logout"><button type="submit" class="ui-btn light">${t.logout}</button></form>
</div>`
}
