// The demo's robot scene: the portal's automation runs the app's robots on a deal stage, a web-form lead and a stage
// deadline, and each step goes on with the app's answer.
import { DEFAULT_WEEK } from '../../rules/calendar/hours.js'
import type { FakeRobotRun } from '../fake-portal/index.js'
import type { Harness } from '../helpers/harness.js'

const ANNA = 5
const ADMIN = 1

/** How the day runs a scripted step: prints the title, acts, settles and prints the reactions. */
export type Step = (title: string, act: () => unknown) => Promise<void>

// The step's answer as the workflow log and the additional results show it.
function printAnswer(run: FakeRobotRun): Record<string, unknown> {
  const answer = run.answers[0]
  if (!answer) {
    console.log('  ✘ Ответа приложения нет — шаг автоматизации ждёт')
    return {}
  }
  console.log(`  ↩ Ответ приложения (bizproc.event.send) в журнал бизнес-процесса: ${answer.logMessage.split('\n').join('\n      │ ')}`)
  for (const [key, value] of Object.entries(answer.returnValues)) console.log(`      · ${key} = ${Array.isArray(value) ? value.join(', ') : String(value)}`)
  return answer.returnValues
}

/** Plays the robot scene on the deal `deal` of the day. */
export async function robotScene(h: Harness, step: Step, deal: string): Promise<void> {
  console.log('\n15:00 Роботы. Администратор настраивает рабочее время (пн–пт 09:00–18:00, производственный календарь РФ) и')
  console.log('      в CRM → Сделки → Роботы добавляет роботов приложения из раздела «Приложения»; названия компаний теперь правит робот')
  h.app.portalSettings.save(h.portal.memberId, { calendar: { hours: DEFAULT_WEEK }, rules: { 'LEAD-COMPANY-NAME': { mode: 'report' } } }, String(ADMIN))
  console.log(`  ✔ Роботы приложения в портале: ${h.portal.data.robots.map((robot) => `«${typeof robot.name === 'string' ? robot.name : robot.name.ru}»`).join(', ')}`)

  let check: FakeRobotRun | undefined
  await step(`15:05 Сделку #${deal} «Гранит: серверная стойка» переводят на стадию «Счёт на предоплату» (счёт выставлен); на стадии — робот «Проверить правила компании»`, async () => {
    h.portal.data.updateDeal(deal, { STAGE_ID: 'PREPAYMENT_INVOICE' }, { byUserId: ANNA })
    check = (await h.portal.data.runRobot('company_rules_check', `DEAL_${deal}`, {})).run
  })
  const verdict = check ? printAnswer(check) : {}
  if (verdict.complies === 'N') {
    await step('      Автоматизация идёт по ветке «Соответствует правилам = Нет»: сделка возвращается на стадию «В работе»', () => {
      h.portal.data.updateDeal(deal, { STAGE_ID: 'EXECUTING' }, { byUserId: ADMIN })
    })
  } else {
    console.log('      Автоматизация идёт по ветке «Соответствует правилам = Да»: сделка остаётся на стадии счёта')
  }

  let lead = ''
  let fix: FakeRobotRun | undefined
  await step('15:10 С веб-формы приходит заявка «Меридиан: 20 кресел», компания записана как ООО "Меридиан"; на статусе «Новый» — робот «Исправить название компании»', async () => {
    lead = h.portal.data.addLead({ TITLE: 'Меридиан: 20 кресел', COMPANY_TITLE: 'ООО "Меридиан"', SOURCE_ID: 'WEB', ASSIGNED_BY_ID: String(ANNA) }, { byUserId: ADMIN })
    fix = (await h.portal.data.runRobot('company_name_fix', `LEAD_${lead}`, {})).run
  })
  if (fix) printAnswer(fix)
  console.log(`  ✔ В карточке лида #${lead} теперь: «${String(h.portal.data.lead(lead)?.COMPANY_TITLE ?? '')}»`)

  let due: FakeRobotRun | undefined
  await step('15:20 У стадии «Счёт на предоплату» срок оплаты: робот «Срок в рабочем времени» от 30.12.2025 17:00 + 2 рабочих часа', async () => {
    due = (await h.portal.data.runRobot('working_time_due', `DEAL_${deal}`, { start: '30.12.2025 17:00', amount: '2', unit: 'hours' })).run
  })
  if (due) printAnswer(due)
  console.log('      Час 30 декабря, затем новогодние каникулы, затем час 12 января: срок — 12.01.2026 10:00 по Москве')
}
