// The page the portal shows an administrator while installing the app with its interface.
import { failureBody, type ShownFailure } from './failure.js'
import { html, page, raw } from './html.js'

const TEXT = {
  ru: {
    title: 'Установка приложения «Правила компании»',
    done: 'Приложение установлено: события и вкладки карточек подключены. Портал завершает установку — окно обновится само.',
    failed: 'Установка не удалась',
  },
  en: {
    title: 'Installing “Company rules”',
    done: 'The app is installed: events and card tabs are bound. The portal is finishing the installation; this window will refresh by itself.',
    failed: 'The installation failed',
  },
} as const

/** Language of the page: Russian unless the portal asked for English. */
export function pageLanguage(lang: string | null | undefined): 'ru' | 'en' {
  return lang === 'en' ? 'en' : 'ru'
}

/** The success page: tells the admin, then finishes the installation in the browser (installFinish).
 * The portal answers installFinish by reloading its own page, so the promise may never settle there. */
export function installDonePage(lang: 'ru' | 'en'): string {
  const text = TEXT[lang]
  return page({
    lang,
    title: text.title,
    body: html`<h1>${text.title}</h1><p class="ok" id="status">${text.done}</p>`,
    // Without installFinish the portal neither sends events nor shows the tabs.
    scripts: raw(`<script src="/assets/b24jssdk.js"></script>
<script>
B24Js.initializeB24Frame()
  .then(function (b24) { return b24.installFinish() })
  .then(function () { document.body.dataset.installFinished = 'yes' })
  .catch(function (error) { document.body.dataset.installFinished = 'error'; console.error(error) })
</script>`),
  })
}

/** The failure page, with the reason in words an administrator can act on; a failure of the app (5xx) only says so, with the request id. */
export function installFailedPage(lang: 'ru' | 'en', failure: ShownFailure): string {
  const text = TEXT[lang]
  return page({ lang, title: text.failed, body: html`<h1>${text.failed}</h1>${failureBody(lang, failure)}` })
}
