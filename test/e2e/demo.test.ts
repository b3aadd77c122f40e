// `npm run demo` as a newcomer runs it: the morning's reactions are printed and it exits 0;
// `npm run demo -- --open` stays up after the day, serving the pages a person opens in a browser, until Ctrl+C.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'

const root = new URL('../..', import.meta.url).pathname

describe('npm run demo', () => {
  it('prints the fix, who was told and what, the timeline comment, the escalation, the deadline scene, the task scene, and a summary', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/demo/morning.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(run.status).toBe(0)
    const out = run.stdout
    expect(out).toContain('✔ Портал установил приложение')
    expect(out).toContain('✎ Исправлено в портале: lead #1 ← {"COMPANY_TITLE":"Вектор ООО"}')
    expect(out).toContain('🗒 Комментарий в истории lead #1: «Приложение «Правила компании»: Название компании исправлено: «ООО "Вектор"» → «Вектор ООО».')
    expect(out).toContain('✉ Уведомление для Павел Лебедев:')
    expect(out).toContain('У лида название по умолчанию: «Лид #2».')
    expect(out).toContain('совпадает телефон +74951234567')
    expect(out).toContain('✉ Уведомление для Екатерина Новикова:')
    expect(out).toContain('✔ Нарушение #4 (LEAD-TITLE) закрыто: complies')
    expect(out).toContain('⚠ LEAD-FIELDS · lead #2')
    expect(out).toContain('⇪ Эскалация руководителю: Дмитрий Соколов')
    expect(out).toContain('Итог дня')
    expect(out).toMatch(/уведомлений: 15 \(/)
    // Each timeline comment the portal received is printed once, as received.
    const comments = out.split('\n').filter((line) => line.includes('🗒 Комментарий в истории'))
    expect(new Set(comments).size).toBe(comments.length)
    expect(comments).toHaveLength(Number(/комментариев в истории: (\d+)/.exec(out)?.[1]))
    expect(out).toContain('🗒 Комментарий в истории lead #1: «Приложение «Правила компании»: У лида название по умолчанию: «Заявка с сайта». Отправлено уведомление: Анна Морозова.')

    // The deadline scene: each line exactly once.
    const times = (text: string) => out.split(text).length - 1
    // A lead nobody dispatches: the office manager is warned, then her supervisor is told, with the timeline comment.
    expect(times('✉ Уведомление для Мария Фёдорова:\n      │ Подходит срок: Новый лид распределён вовремя (LEAD-DISPATCH-SLA)\n      │ Лид «Сигма: 40 мониторов»')).toBe(1)
    expect(times('✉ Уведомление для Мария Фёдорова:')).toBe(1)
    expect(times('⇪ Эскалация руководителю: Ольга Кузнецова')).toBe(1)
    expect(times('✉ Уведомление для Ольга Кузнецова:\n      │ Эскалация: Новый лид распределён вовремя (LEAD-DISPATCH-SLA)\n      │ Лид «Сигма: 40 мониторов»')).toBe(1)
    expect(times('✉ Уведомление для Ольга Кузнецова:')).toBe(1)
    expect(out).toMatch(/│ Что не так: Лид ждёт распределения \d+ с рабочего времени \(норма — 4 с\)\./)
    expect(times('🗒 Комментарий в истории lead #6: «Приложение «Правила компании»: Лид ждёт распределения')).toBe(1)
    expect(comments.filter((line) => line.includes('lead #6'))).toEqual([expect.stringContaining('Нарушение не устранено в срок, сообщено руководителю: Ольга Кузнецова.')])
    expect(out.indexOf('Уведомление для Мария Фёдорова')).toBeLessThan(out.indexOf('Эскалация руководителю: Ольга Кузнецова'))
    // A lead dispatched and called in time: both clocks met, nobody told about it.
    expect(times('⏱ Срок LEAD-DISPATCH-SLA · lead #5 остановлен: срок соблюдён')).toBe(1)
    expect(times('⏱ Срок LEAD-CONTACT-SLA · lead #5 остановлен: срок соблюдён')).toBe(1)
    expect(times('✔ Оба срока по лиду #5 соблюдены — никому ничего не отправлено')).toBe(1)
    expect(out).not.toContain('/crm/lead/details/5/')
    expect(out).not.toContain('🗒 Комментарий в истории lead #5')
    // A deal without a next step: its responsible is told, then her supervisor.
    const toAnna = '✉ Уведомление для Анна Морозова:\n      │ Правило компании: У сделки есть следующий шаг (DEAL-NEXT-STEP)'
    const toDmitry = '✉ Уведомление для Дмитрий Соколов:\n      │ Эскалация: У сделки есть следующий шаг (DEAL-NEXT-STEP)'
    expect(times(toAnna)).toBe(1)
    expect(times(toDmitry)).toBe(1)
    expect(out.indexOf(toAnna)).toBeLessThan(out.indexOf(toDmitry))
    expect(times('У сделки нет следующего шага: нет ни одного запланированного дела. Отправлено уведомление: Анна Морозова.')).toBe(1)
    expect(times('У сделки нет следующего шага: нет ни одного запланированного дела. Нарушение не устранено в срок, сообщено руководителю: Дмитрий Соколов.')).toBe(1)
    expect(comments.filter((line) => line.includes('deal #1'))).toHaveLength(2)
    // Each clock is counted in one part of the summary, so the parts add up to the total; met in time are the
    // called lead's two clocks, then the answered task's.
    const clocksLine = /сроков отсчитано: (\d+) — (соблюдено \d+, отменено \d+, нарушено и закрыто \d+, ещё идут: в срок \d+, просрочено \d+)/.exec(out)
    expect(clocksLine).not.toBeNull()
    const parts = [...clocksLine![2]!.matchAll(/\d+/g)].map(([n]) => Number(n))
    expect(parts.reduce((sum, n) => sum + n, 0)).toBe(Number(clocksLine![1]))
    expect(parts[0]).toBe(4)

    // The task scene, after the deadline scene and before the summary: the task rules tell the creator.
    const scene = out.slice(out.indexOf('\n14:00 Задачи'), out.indexOf('\n15:00 Роботы'))
    expect(out.indexOf('13:15 Анна заводит сделку')).toBeLessThan(out.indexOf('\n14:00 Задачи'))
    // Each notice of the scene as printed: its ✉ line and the message's │ lines.
    const told = scene.split(/\n {2}(?=\S)/).filter((block) => block.startsWith('✉ Уведомление для '))
    const about = (ruleId: string) => told.filter((block) => block.includes(`(${ruleId})`))
    expect(told).toHaveLength(5)
    // 1. A task without a form: its creator is told once, naming the forms.
    const [prefix, ...morePrefix] = about('TASK-PREFIX')
    expect(morePrefix).toEqual([])
    expect(prefix).toMatch(/^✉ Уведомление для Анна Морозова:\n/)
    expect(prefix).toContain('Задача «Подготовить договор»')
    expect(prefix).toMatch(/РЗ \(рабочая задача\).*ПР \(письмо-решение\).*«отчёт»/s)
    // 2. A ПР to the wrong person without a solution: one message listing both.
    const [prForm, ...morePr] = about('TASK-PR-FORM')
    expect(morePr).toEqual([])
    expect(prForm).toMatch(/^✉ Уведомление для Анна Морозова:\n/)
    expect(prForm).toContain('Что не так: В ПР не хватает: ответственный — ваш непосредственный руководитель (Дмитрий Соколов), раздел «Предлагаемое решение».')
    // 3. One task set for three people: one message to its creator once the burst is over, naming all three.
    const [burst, ...moreBurst] = about('TASK-ONE-RESPONSIBLE')
    expect(moreBurst).toEqual([])
    expect(burst).toMatch(/^✉ Уведомление для Дмитрий Соколов:\n/)
    expect(burst).toContain('поставлена 3 исполнителям (Анна Морозова, Павел Лебедев, Екатерина Новикова)')
    // 4. A task left unanswered: its responsible is warned, then her supervisor told, each once, in that order.
    const feedback = about('TASK-FEEDBACK-SLA')
    expect(feedback).toHaveLength(2)
    expect(feedback[0]).toMatch(/^✉ Уведомление для Екатерина Новикова:\n {6}│ Подходит срок: По задаче дана обратная связь вовремя \(TASK-FEEDBACK-SLA\)\n {6}│ Задача «РЗ Сверить остатки на складе»/)
    expect(feedback[1]).toMatch(/^✉ Уведомление для Дмитрий Соколов:\n {6}│ Эскалация: По задаче дана обратная связь вовремя \(TASK-FEEDBACK-SLA\)\n {6}│ Задача «РЗ Сверить остатки на складе» .*\(ответственный: Екатерина Новикова\)/)
    expect(scene.indexOf(feedback[0]!)).toBeLessThan(scene.indexOf('⇪ Эскалация руководителю: Дмитрий Соколов'))
    expect(scene.split('⇪ Эскалация руководителю: Дмитрий Соколов').length - 1).toBe(1)
    // The answered task: nobody hears of it; the other task rules stay quiet on these tasks.
    const answered = /✔ Павел ответил по задаче #(\d+) вовремя — никому ничего не отправлено/.exec(scene)?.[1]
    expect(answered).toBeDefined()
    expect(scene).not.toContain(`/tasks/task/view/${answered}/`)
    expect(scene).not.toMatch(/TASK-DEADLINE|TASK-OBSERVER|\(TASK-OVERDUE\)|TASK-OVERDUE · task #\d+:(?! до срока)/)

    // The robot scene, before the summary: each step goes on with the app's answer.
    const robots = out.slice(out.indexOf('\n15:00 Роботы'), out.indexOf('\nИтог дня'))
    expect(out).toContain('✔ Роботы приложения зарегистрированы в автоматизации портала: 5')
    expect(robots).toContain('· complies = N')
    expect(robots).toContain('· rule_ids = DEAL-NEXT-STEP')
    expect(robots).toContain('Автоматизация идёт по ветке «Соответствует правилам = Нет»')
    expect(robots).toContain('Название компании исправлено: «ООО "Меридиан"» → «Меридиан ООО».')
    expect(robots).toMatch(/✔ В карточке лида #\d+ теперь: «Меридиан ООО»/)
    expect(robots).toContain('Срок: 12.01.2026, 10:00 (Москва, Санкт-Петербург (МСК)).')
    expect(robots).toContain('· due = 2026-01-12T10:00:00+03:00')
  }, 150_000)
})

describe('npm run demo -- --open', () => {
  it('stays up after the day, prints the pages to open, serves the deal card with its tab framed, and closes on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/demo/morning.ts', '--open'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      // The day takes about 30 s; then the addresses and the hint to stop.
      const until = Date.now() + 120_000
      while (!out.includes('Остановить: Ctrl+C')) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`the demo did not stay up:\n${out.slice(-2000)}\n${err.slice(-2000)}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      const open = out.slice(out.indexOf('Демо остаётся запущенным'))
      const portal = /Портал: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
      const db = /база: (\S+)/.exec(out)?.[1]
      expect(portal).toBeDefined()
      const urls = open.match(/http:\/\/\S+/g) ?? []
      expect(urls).toEqual([`${portal}/crm/deal/details/1/?user=4`, `${portal}/crm/lead/details/1/?user=5`, `${portal}/marketplace/app/1/?user=4`, `${portal}/marketplace/app/1/`])
      expect(open).toContain('Дмитрия Соколова')
      expect(open).toContain('Анны Морозовой')
      expect(open).toContain('Алексея Смирнова')
      // Still up well after the day: the card page answers with the tab's frame.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(child.exitCode).toBeNull()
      const card = await fetch(urls[0]!, { signal: AbortSignal.timeout(10_000) })
      expect(card.status).toBe(200)
      const html = await card.text()
      expect(html).toContain('Сделка «Гранит: серверная стойка»')
      expect(html).toMatch(/<iframe id="appframe_\w+" name="127\.0\.0\.1:\d+\|0\|\w+"/)
      // In a browser the portal's page frames the app's tab, which shows the deal's rules.
      const browser = await launchBrowser({ timeout: 20_000 })
      try {
        const page = await browser.newPage({ locale: 'ru-RU' })
        await page.goto(urls[0]!)
        const frame = page.frameLocator('iframe')
        await frame.locator('li.verdict.failed').first().waitFor({ timeout: 20_000 })
        expect(await frame.locator('li.verdict.failed').first().textContent()).toContain('У сделки есть следующий шаг')
        expect(await frame.getByRole('button', { name: 'Снять с причиной' }).count()).toBeGreaterThan(0)
      } finally {
        await browser.close()
      }

      child.kill('SIGINT')
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))])
      expect(code).toBe(0)
      expect(out).toContain('Останавливаю приложение и портал')
      expect(existsSync(dirname(db!))).toBe(false)
      await expect(fetch(urls[0]!, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }, 180_000)
})
