// `npm run demo` as a newcomer runs it: the morning's reactions are printed and it exits 0.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname

describe('npm run demo', () => {
  it('prints the fix, who was told and what, the timeline comment, the escalation, and a summary', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/demo/morning.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
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
    expect(out).toContain('Итог утра')
    expect(out).toMatch(/уведомлений: 6 \(/)
    // Each timeline comment the portal received is printed once, as received.
    const comments = out.split('\n').filter((line) => line.includes('🗒 Комментарий в истории'))
    expect(new Set(comments).size).toBe(comments.length)
    expect(comments).toHaveLength(Number(/комментариев в истории: (\d+)/.exec(out)?.[1]))
    expect(out).toContain('🗒 Комментарий в истории lead #1: «Приложение «Правила компании»: У лида название по умолчанию: «Заявка с сайта». Отправлено уведомление: Анна Морозова.')
  }, 90_000)
})
