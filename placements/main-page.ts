// The app's main page for a verified (portal, user). Outside the portal it is reached after the OAuth login;
// the supervisors' dashboard plugs in here.
import type { Portal } from '../src/store/portals.js'
import { html, page } from './html.js'

/** Who is looking at the main page, as the portal confirmed it. */
export interface MainPageViewer {
  userId: number
  /** The name as the portal's directory has it (`#<id>` when unknown). */
  name: string
  isAdmin: boolean
}

/** The main page's HTML for a user of a portal, both verified by the caller. */
export function renderMainPage(portal: Pick<Portal, 'domain' | 'memberId'>, who: MainPageViewer, lang: 'ru' | 'en'): string {
  const t = lang === 'ru'
    ? { title: 'Правила компании', signedIn: 'Вы вошли как', portal: 'Портал', admin: 'администратор', logout: 'Выйти' }
    : { title: 'Company rules', signedIn: 'Signed in as', portal: 'Portal', admin: 'administrator', logout: 'Log out' }
  const body = html`<h1>${t.title}</h1>
<p class="who">${t.signedIn} <strong class="user">${who.name}</strong>${who.isAdmin ? html` (${t.admin})` : ''}</p>
<p class="portal">${t.portal}: <strong>${portal.domain}</strong></p>
<form method="POST" action="/app/logout"><button type="submit">${t.logout}</button></form>`
  return page({ lang, title: t.title, body })
}
