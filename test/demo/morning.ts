// npm run demo: the fake portal and the app on loopback, a scripted morning, and the app's reactions as they happen.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'
import { describe } from './reactions.js'

const ANNA = 5
const PAVEL = 6
const EKATERINA = 7

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-demo-'))
  // The supervisor hears of an unnamed lead after 3 seconds here, not the 2 hours of the defaults.
  const settings = testSettings({ rules: { 'LEAD-TITLE': { escalateAfter: 'PT3S' } } })
  const h = await startHarness({ env: { DATABASE_PATH: join(dir, 'demo.db') }, app: { ruleSettings: settings } })
  let printed = 0
  const shown = { notices: new Set<number>(), comments: new Set<number>() }
  const flush = () => {
    const rows = h.store.journal.recent(h.portal.memberId, 10_000).reverse().filter((entry) => entry.id > printed)
    for (const entry of rows) {
      printed = entry.id
      const line = describe(h, entry, shown)
      if (line) console.log(line)
    }
  }
  const step = async (title: string, act: () => unknown) => {
    console.log(`\n${title}`)
    await act()
    await settle(h)
    flush()
  }
  try {
    console.log('Утро в портале «ООО «Вектор»»: приложение «Правила компании» следит за лидами.')
    console.log(`Портал: ${h.portal.url} · приложение: ${h.url} · база: ${join(dir, 'demo.db')}`)
    await step('09:00 Администратор сохраняет локальное приложение, портал его устанавливает', () =>
      h.portal.installApp({ installUrl: `${h.url}/install` }),
    )

    let webLead = ''
    await step('09:05 С сайта приходит заявка; компания записана с кавычками, ответственная — Анна Морозова', () => {
      webLead = h.portal.data.addLead({ TITLE: 'Заявка с сайта', COMPANY_TITLE: 'ООО "Вектор"', SOURCE_ID: 'WEB', PHONE: [{ VALUE: '+7 (812) 555-01-02', VALUE_TYPE: 'WORK' }] }, { byUserId: ANNA })
    })
    let callLead = ''
    await step('09:12 Входящий звонок: лид без названия у Павла Лебедева, компания полным наименованием', () => {
      callLead = h.portal.data.addLead({ COMPANY_TITLE: 'Общество с ограниченной ответственностью «Альфа-Строй»', SOURCE_ID: 'CALL' }, { byUserId: PAVEL })
    })
    await step('09:20 Екатерина Новикова заводит лид «Ромашка: 300 стульев» с телефоном +7 (495) 123-45-67', () => {
      h.portal.data.addLead({ TITLE: 'Ромашка: 300 стульев', COMPANY_TITLE: '"Ромашка", АО', PHONE: [{ VALUE: '+7 (495) 123-45-67', VALUE_TYPE: 'WORK' }] }, { byUserId: EKATERINA })
    })
    await step('09:31 Анна заводит второй лид того же клиента, телефон записан иначе: 8 495 1234567', () => {
      h.portal.data.addLead({ TITLE: 'Ромашка — стулья для офиса', COMPANY_TITLE: 'Ромашка АО', PHONE: [{ VALUE: '8 495 1234567', VALUE_TYPE: 'WORK' }] }, { byUserId: ANNA })
    })
    await step(`09:40 Павел переименовывает лид #${callLead}: «Альфа-Строй: 12 кондиционеров»`, () => {
      h.portal.data.updateLead(callLead, { TITLE: 'Альфа-Строй: 12 кондиционеров' }, { byUserId: PAVEL })
    })
    await step(`09:45 Павел берёт лид в работу, не записав ни имени контакта, ни комментария`, () => {
      h.portal.data.updateLead(callLead, { STATUS_ID: 'IN_PROCESS' }, { byUserId: PAVEL })
    })
    console.log(`\n10:00 Анна так и не переименовала лид #${webLead} — ждём срок эскалации (3 с)…`)
    await new Promise((resolve) => setTimeout(resolve, 3_300))
    await settle(h)
    flush()
    summary(h)
  } finally {
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function summary(h: Harness): void {
  const violations = h.store.violations.all(h.portal.memberId)
  const notices = h.portal.data.notifications
  const byPerson = new Map<string, number>()
  for (const notice of notices) {
    const user = h.portal.data.user(String(notice.userId))
    const name = user ? `${user.NAME} ${user.LAST_NAME}` : `#${notice.userId}`
    byPerson.set(name, (byPerson.get(name) ?? 0) + 1)
  }
  console.log('\nИтог утра')
  console.log(`  нарушений найдено: ${violations.length}, из них открыто: ${violations.filter((v) => !v.resolvedAt).length}`)
  console.log(`  исправлено приложением: ${violations.filter((v) => v.resolution === 'fixed by the app').length}`)
  console.log(`  уведомлений: ${notices.length} (${[...byPerson].map(([name, count]) => `${name} — ${count}`).join(', ')})`)
  console.log(`  комментариев в истории: ${h.portal.data.timelineComments.length}`)
  console.log(`  REST-запросов приложения к порталу: ${h.portal.calls.filter((call) => !call.viaBatch).length}`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
