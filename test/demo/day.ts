// The demo's scripted day: the fake portal and the app on loopback, a scripted morning, and the app's reactions as they happen.
// Played by `npm run demo` (test/demo/morning.ts) and `npm run screenshots` (test/demo/screenshots.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../src/app.js'
import type { Clock } from '../../src/store/clocks.js'
import { settle, startHarness, testSettings, type Harness } from '../helpers/harness.js'
import { describe, type Shown } from './reactions.js'
import { robotScene } from './robots-scene.js'

const ANNA = 5
const PAVEL = 6
const EKATERINA = 7
const ADMIN = 1
const DMITRY = 4 // Анна's supervisor
const OLGA = 3 // Мария's supervisor
const MARIA = 8 // the office manager who dispatches new leads
const DAY = 86_400_000

// After lunch the administrator sets the deadlines; in seconds for the demo, where the defaults count minutes and hours.
const DEADLINES = {
  'LEAD-DISPATCH-SLA': { mode: 'notify', within: 'PT4S', warnAt: ['50%'], escalate: ['PT0S'], officeManagers: { users: [String(MARIA)], departments: [] } },
  'LEAD-CONTACT-SLA': { mode: 'notify', within: 'PT6S', warnAt: ['50%'], escalate: ['PT0S'] },
  'DEAL-NEXT-STEP': { mode: 'notify', within: 'PT4S', escalate: ['PT4S'], time: '24/7' },
  // Tasks: an answer within 6 s (warned at 3 s, the supervisor at the breach); tasks of one title within 3 s are one burst.
  'TASK-FEEDBACK-SLA': { mode: 'notify', within: 'PT6S', warnAt: ['50%'], escalate: ['PT0S'], time: '24/7' },
  'TASK-ONE-RESPONSIBLE': { mode: 'notify', window: 'PT3S' },
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The day played: the harness (the restarted app in `h.app`) and the records a person would look at. */
export interface Day {
  h: Harness
  /** The throw-away folder of the database. */
  dir: string
  /** The web-form lead Анна never renamed (LEAD-TITLE, escalated to Дмитрий). */
  webLead: string
  /** Анна's deal without a next step (DEAL-NEXT-STEP, escalated to Дмитрий). */
  deal: string
  /** Closes the restarted app, the harness (the first app, the store, the portal) and removes the folder. */
  close(): Promise<void>
}

/** Plays the scripted day, printing each reaction as it happens; on failure everything is closed before the error is thrown. */
export async function playDay(): Promise<Day> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-demo-'))
  // The supervisor hears of an unnamed lead after 3 seconds here, not the 2 hours of the defaults.
  const morning = { 'LEAD-TITLE': { escalateAfter: 'PT3S' } }
  // Anna and Pavel have a month's plan, so the day's report shows plans (LEAD-PLAN).
  const plans = { reports: { plans: { '5': { created: 40, converted: 12 }, '6': { created: 30, converted: 9 } } } }
  const settings = testSettings({ ...plans, rules: morning })
  const h = await startHarness({ env: { DATABASE_PATH: join(dir, 'demo.db') }, app: { rules: settings } })
  const firstApp = h.app
  let printed = 0
  const shown: Shown = { notices: new Set<number>(), comments: new Set<number>() }
  const flush = async () => {
    const rows = (await h.store.journal.recent(h.portal.memberId, 10_000)).reverse().filter((entry) => entry.id > printed)
    for (const entry of rows) {
      printed = entry.id
      const line = await describe(h, entry, shown)
      if (line) console.log(line)
    }
  }
  const step = async (title: string, act: () => unknown) => {
    console.log(`\n${title}`)
    await act()
    await settle(h)
    await flush()
  }
  let webLead = ''
  let deal = ''
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    // The harness closes the app it started; the restarted one is closed here, first.
    if (h.app !== firstApp) await h.app.close()
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    console.log('Утро в портале «ООО «Вектор»»: приложение «Правила компании» следит за лидами.')
    console.log(`Портал: ${h.portal.url} · приложение: ${h.url} · база: ${join(dir, 'demo.db')}`)
    await step('09:00 Администратор сохраняет локальное приложение, портал его устанавливает', () =>
      h.portal.installApp({ installUrl: `${h.url}/install` }),
    )

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
    await sleep(3_300)
    await settle(h)
    await flush()

    // The deadline scene: the app restarts with the new settings (they are read at start) on the same store and portal.
    console.log('\n13:00 Администратор задаёт сроки и перезапускает приложение (для демо — секунды вместо минут):')
    console.log('      новый лид распределить за 4 с (офис-менеджер Мария Фёдорова, предупреждение на половине срока),')
    console.log('      с клиентом связаться за 6 с, сделке без следующего шага — 4 с, руководителю — ещё через 4 с')
    await h.app.close()
    h.app = await buildApp(h.config, { store: h.store, schedule: false, rules: testSettings({ ...plans, rules: { ...morning, ...DEADLINES } }) })
    await h.app.listen({ port: h.config.port, host: h.config.host })
    shown.clocks = true
    // Polls what the portal received (the clocks run on the wall clock), printing the reactions as they come.
    const waitFor = async (what: string, done: () => boolean, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs
      while (!done()) {
        if (Date.now() > until) throw new Error(`the demo waited in vain for ${what}`)
        await sleep(100)
        await flush()
      }
      await settle(h)
      await flush()
    }
    const noticesTo = (userId: number, ruleId: string) => h.portal.data.notifications.filter((n) => n.userId === userId && n.message.includes(`(${ruleId})`))
    const commentsOn = (entity: string, id: string) => h.portal.data.timelineComments.filter((c) => c.entityType.toLowerCase() === entity && String(c.entityId) === id)

    let calledLead = ''
    const noticesBefore = h.portal.data.notifications.length
    await step('13:05 С сайта приходит заявка «Орбита: 15 ноутбуков» и попадает к офис-менеджеру Марии Фёдоровой', () => {
      calledLead = h.portal.data.addLead({
        TITLE: 'Орбита: 15 ноутбуков', COMPANY_TITLE: 'Орбита АО', SOURCE_ID: 'WEB', NAME: 'Сергей', LAST_NAME: 'Белов',
        PHONE: [{ VALUE: '+7 (343) 210-15-15', VALUE_TYPE: 'WORK' }], COMMENTS: '15 ноутбуков для нового офиса, доставка в Екатеринбург',
        ASSIGNED_BY_ID: String(MARIA),
      }, { byUserId: ADMIN })
    })
    // At once, well inside the warning at half the time (2 s): nobody is to hear of this lead.
    await step(`13:06 Мария сразу распределяет лид #${calledLead} на Анну Морозову и переводит его в работу`, () => {
      h.portal.data.updateLead(calledLead, { STATUS_ID: 'IN_PROCESS', ASSIGNED_BY_ID: String(ANNA) }, { byUserId: MARIA })
    })
    // Half a second later, well inside the contact warning at 3 s.
    await sleep(500)
    await step('13:08 Анна звонит клиенту, звонок записан в карточке лида', () => {
      h.portal.data.addActivity({
        OWNER_TYPE_ID: 1, OWNER_ID: calledLead, TYPE_ID: 2, COMPLETED: 'Y', DIRECTION: 2, RESPONSIBLE_ID: ANNA,
        SUBJECT: 'Звонок клиенту', COMMUNICATIONS: [{ VALUE: '+73432101515', TYPE: 'PHONE' }],
      }, { byUserId: ANNA })
    })
    const calledTold = h.portal.data.notifications.length - noticesBefore
    const calledClocks = (await h.store.clocks.all(h.portal.memberId)).filter((clock) => clock.entity === 'lead' && clock.entityId === calledLead)
    const allMet = calledClocks.length === 2 && calledClocks.every((clock) => clock.outcome === 'met')
    console.log(`  ${allMet ? '✔ Оба срока' : '✘ Не все сроки'} по лиду #${calledLead} соблюдены — ${calledTold === 0 ? 'никому ничего не отправлено' : `уведомлений: ${calledTold}`}`)

    let quietLead = ''
    await step('13:10 Ещё одна заявка с сайта, «Сигма: 40 мониторов», у Марии; её никто не распределяет', () => {
      quietLead = h.portal.data.addLead({
        TITLE: 'Сигма: 40 мониторов', COMPANY_TITLE: 'Сигма ООО', SOURCE_ID: 'WEB', NAME: 'Ирина', LAST_NAME: 'Зайцева',
        PHONE: [{ VALUE: '+7 (383) 220-40-40', VALUE_TYPE: 'WORK' }], COMMENTS: '40 мониторов 27″ в бухгалтерию',
        ASSIGNED_BY_ID: String(MARIA),
      }, { byUserId: ADMIN })
    })
    console.log('      …ждём: на половине срока (2 с) — предупреждение Марии, в срок (4 с) — её руководителю')
    await waitFor('the dispatch escalation', () => noticesTo(OLGA, 'LEAD-DISPATCH-SLA').length > 0 && commentsOn('lead', quietLead).length > 0)

    await step('13:15 Анна заводит сделку «Гранит: серверная стойка» и не планирует ни звонка, ни встречи', () => {
      deal = h.portal.data.addDeal({ TITLE: 'Гранит: серверная стойка', ASSIGNED_BY_ID: String(ANNA) }, { byUserId: ANNA })
    })
    console.log('      …ждём: через 4 с без следующего шага — Анне, ещё через 4 с — её руководителю')
    await waitFor('the next-step escalation', () => noticesTo(DMITRY, 'DEAL-NEXT-STEP').length > 0 && commentsOn('deal', deal).length > 1)

    // The task scene: the task rules tell the task's creator; every task has a deadline within 3 working days.
    console.log('\n14:00 Задачи. Сроки по ним администратор задал в 13:00 вместе с остальными: ответить по задаче за 6 с')
    console.log('      (предупреждение на половине срока, в срок — руководителю), одна задача на нескольких видна через 3 с')
    const due = (days: number) => new Date(Date.now() + days * DAY).toISOString()
    const toldSince = (from: number) => h.portal.data.notifications.slice(from)
    let from = h.portal.data.notifications.length
    await step('14:02 Анна ставит Павлу задачу «Подготовить договор» — без формы в названии; Павел сразу отвечает в комментарии', () => {
      const id = h.portal.data.addTask({ TITLE: 'Подготовить договор', RESPONSIBLE_ID: PAVEL, DEADLINE: due(2) }, { byUserId: ANNA })
      h.portal.data.addTaskComment(id, 'Принял, договор будет послезавтра', PAVEL)
    })
    await waitFor('the form notice', () => toldSince(from).length > 0)

    from = h.portal.data.notifications.length
    await step('14:10 Анна пишет ПР «ПР Скидка для клиента» Павлу, а не своему руководителю, и без предлагаемого решения; срок — через 3 рабочих дня', () => {
      const id = h.portal.data.addTask({
        TITLE: 'ПР Скидка для клиента', RESPONSIBLE_ID: PAVEL, DEADLINE: due(3),
        DESCRIPTION: '[B]Вид:[/B] ПР\n[B]Суть:[/B] клиент «Альфа-Строй» просит скидку 7%\n[B]Полная информация:[/B] годовой заказ кондиционеров на 1,2 млн ₽',
      }, { byUserId: ANNA })
      h.portal.data.addTaskComment(id, 'Анна, решение по скидке — у Дмитрия', PAVEL)
    })
    await waitFor('the ПР notice', () => toldSince(from).length > 0)

    await step('14:20 Дмитрий Соколов ставит одну задачу «РЗ Обзвонить участников выставки» трём сотрудникам — три задачи подряд; каждый сразу берёт свою в работу', () => {
      for (const responsible of [ANNA, PAVEL, EKATERINA]) {
        const id = h.portal.data.addTask({ TITLE: 'РЗ Обзвонить участников выставки', RESPONSIBLE_ID: responsible, DEADLINE: due(1) }, { byUserId: DMITRY })
        h.portal.data.updateTask(id, { STATUS: 3 }, { byUserId: responsible })
      }
    })
    console.log('      …ждём: через 3 с после первой задачи — одно сообщение Дмитрию')
    await waitFor('the one-responsible notice', () => noticesTo(DMITRY, 'TASK-ONE-RESPONSIBLE').length > 0)

    let silentTask = ''
    let answeredTask = ''
    await step('14:30 Дмитрий ставит Екатерине «РЗ Сверить остатки на складе», Павлу — «РЗ Выставить счёт «Гранит»»', () => {
      silentTask = h.portal.data.addTask({ TITLE: 'РЗ Сверить остатки на складе', RESPONSIBLE_ID: EKATERINA, DEADLINE: due(1) }, { byUserId: DMITRY })
      answeredTask = h.portal.data.addTask({ TITLE: 'РЗ Выставить счёт «Гранит»', RESPONSIBLE_ID: PAVEL, DEADLINE: due(1) }, { byUserId: DMITRY })
    })
    // A moment later, well inside the warning at half the time (3 s).
    await sleep(200)
    await step('14:31 Павел отвечает в комментарии: «Принял, счёт будет сегодня до 15:00»; Екатерина молчит и задачу не начинает', () => {
      h.portal.data.addTaskComment(answeredTask, 'Принял, счёт будет сегодня до 15:00', PAVEL)
    })
    console.log('      …ждём: на половине срока (3 с) — предупреждение Екатерине, в срок (6 с) — её руководителю')
    await waitFor('the feedback escalation', () => noticesTo(DMITRY, 'TASK-FEEDBACK-SLA').some((n) => n.message.includes(`/tasks/task/view/${silentTask}/`)))
    const answeredClock = (await h.store.clocks.all(h.portal.memberId)).find((clock) => clock.ruleId === 'TASK-FEEDBACK-SLA' && clock.entityId === answeredTask)
    // Past its own deadline too: nothing comes for the answered task.
    await sleep(Math.max(0, Date.parse(answeredClock?.dueAt ?? '') + 1_000 - Date.now()) || 1_000)
    await settle(h)
    await flush()
    const aboutAnswered = h.portal.data.notifications.filter((n) => n.message.includes(`/tasks/task/view/${answeredTask}/`)).length
    console.log(`  ${answeredClock?.outcome === 'met' ? '✔ Павел ответил' : '✘ Павел не ответил'} по задаче #${answeredTask} вовремя — ${aboutAnswered === 0 ? 'никому ничего не отправлено' : `уведомлений: ${aboutAnswered}`}`)
    await robotScene(h, step, deal)
    await summary(h)
  } catch (error) {
    await close()
    throw error
  }
  return { h, dir, webLead, deal, close }
}


/** The addresses of the portal's pages a person looks at after the day, each with who is looking. */
export function addresses(day: Day): { deal: string; lead: string; dashboard: string; admin: string } {
  const { h } = day
  const app = { installUrl: `${h.url}/install`, handlerUrl: `${h.url}/app` }
  return {
    deal: h.portal.cardPageUrl('deal', day.deal, DMITRY),
    lead: h.portal.cardPageUrl('lead', day.webLead, ANNA),
    dashboard: h.portal.appPageUrl({ ...app, userId: DMITRY }),
    admin: h.portal.appPageUrl({ ...app, userId: ADMIN }),
  }
}

async function summary(h: Harness): Promise<void> {
  const violations = await h.store.violations.all(h.portal.memberId)
  const notices = h.portal.data.notifications
  const byPerson = new Map<string, number>()
  for (const notice of notices) {
    const user = h.portal.data.user(String(notice.userId))
    const name = user ? `${user.NAME} ${user.LAST_NAME}` : `#${notice.userId}`
    byPerson.set(name, (byPerson.get(name) ?? 0) + 1)
  }
  console.log('\nИтог дня')
  console.log(`  нарушений найдено: ${violations.length}, из них открыто: ${violations.filter((v) => !v.resolvedAt).length}`)
  console.log(`  исправлено приложением: ${violations.filter((v) => v.resolution === 'fixed by the app').length}`)
  console.log(`  уведомлений: ${notices.length} (${[...byPerson].map(([name, count]) => `${name} — ${count}`).join(', ')})`)
  const clocks = tallyClocks(await h.store.clocks.all(h.portal.memberId))
  console.log(`  сроков отсчитано: ${clocks.total} — соблюдено ${clocks.met}, отменено ${clocks.cancelled}, нарушено и закрыто ${clocks.breachedStopped}, ещё идут: в срок ${clocks.running}, просрочено ${clocks.breachedRunning}`)
  console.log(`  комментариев в истории: ${h.portal.data.timelineComments.length}`)
  console.log(`  REST-запросов приложения к порталу: ${h.portal.calls.filter((call) => !call.viaBatch).length}`)
}

/** Each clock counted once: stopped met, stopped without being needed, stopped after a breach, running in time, running breached. */
function tallyClocks(clocks: readonly Clock[]): { total: number; met: number; cancelled: number; breachedStopped: number; running: number; breachedRunning: number } {
  const tally = { total: clocks.length, met: 0, cancelled: 0, breachedStopped: 0, running: 0, breachedRunning: 0 }
  for (const clock of clocks) {
    if (clock.stoppedAt && clock.breachedAt) tally.breachedStopped += 1
    else if (clock.stoppedAt && clock.outcome === 'met') tally.met += 1
    // Excused, the record deleted, the rule no longer applying, another clock taking over: the deadline was not needed.
    else if (clock.stoppedAt) tally.cancelled += 1
    else if (clock.breachedAt) tally.breachedRunning += 1
    else tally.running += 1
  }
  return tally
}
