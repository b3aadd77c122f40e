// What people read: the same notice in Russian and English, with the record's link.
import { describe, expect, it } from 'vitest'
import { languageOf, notice, recordList, timelineComment, toldText } from '../../src/notify/messages.js'

const base = {
  origin: 'https://acme.bitrix24.ru',
  ruleId: 'LEAD-TITLE',
  ruleTitle: { ru: 'Название лида раскрывает суть обращения', en: "The lead's title tells what the request is" },
  record: { entity: 'lead' as const, id: '45', title: 'Лид #45' },
  problem: { ru: 'У лида название по умолчанию: «Лид #45».', en: 'The lead has a default title: "Лид #45".' },
  todo: { ru: 'Переименуйте лид.', en: 'Rename the lead.' },
}

describe('messages', () => {
  const leads = (n: number) => Array.from({ length: n }, (_, i) => ({ entity: 'lead' as const, id: String(i + 1), title: `Ромашка ${i + 1}` }))
  const link = (id: number) => `Лид [URL=https://acme.bitrix24.ru/crm/lead/details/${id}/]«Ромашка ${id}»[/URL]`

  it.each([
    [1, 'ru', link(1)],
    [3, 'ru', [link(1), link(2), link(3)].join(', ')],
    [5, 'ru', `${[link(1), link(2), link(3)].join(', ')} и ещё 2`],
    [49, 'en', `${[1, 2, 3].map((id) => link(id).replace('Лид', 'Lead')).join(', ')} and 46 more`],
  ] as const)('lists %i records in %s: the first three with links, then how many more', (count, language, expected) => {
    expect(recordList('https://acme.bitrix24.ru', leads(count), language)).toBe(expected)
  })

  it("a duplicate's notice links to the records it matches, and the other side's to theirs", () => {
    const duplicate = { ...base, language: 'ru' as const, ruleId: 'CLIENT-DUPLICATE' }
    expect(notice({ ...duplicate, matches: leads(4) })).toContain(`Совпадает с: ${link(1)}, ${link(2)}, ${link(3)} и ещё 1`)
    expect(notice({ ...duplicate, concerns: leads(1) })).toContain(`Касается вашей записи: ${link(1)}`)
    expect(notice({ ...duplicate, concerns: leads(2), language: 'en' })).toContain('This concerns your records: Lead [URL=')
  })

  it.each([
    ['ru', 'ru'], ['ua', 'ru'], ['by', 'ru'], ['kz', 'ru'], [null, 'ru'], ['en', 'en'], ['de', 'en'],
  ])('a portal in %s gets %s', (portal, language) => {
    expect(languageOf(portal)).toBe(language)
  })

  it('tells the responsible in Russian', () => {
    expect(notice({ ...base, language: 'ru' })).toBe([
      '[B]Правило компании: Название лида раскрывает суть обращения[/B] (LEAD-TITLE)',
      'Лид [URL=https://acme.bitrix24.ru/crm/lead/details/45/]«Лид #45»[/URL]',
      'Что не так: У лида название по умолчанию: «Лид #45».',
      'Что сделать: Переименуйте лид.',
    ].join('\n'))
  })

  it('tells the supervisor in English, with the time the violation has been open', () => {
    const text = notice({
      ...base, language: 'en', responsibleName: 'Anna Morozova',
      escalation: { openedAt: '2026-11-24T07:00:00Z', now: new Date('2026-11-24T09:05:00Z') },
    })
    expect(text).toBe([
      "[B]Escalation: The lead's title tells what the request is[/B] (LEAD-TITLE)",
      'Lead [URL=https://acme.bitrix24.ru/crm/lead/details/45/]«Лид #45»[/URL] (responsible: Anna Morozova)',
      'Opened: 2 h 5 min ago',
      'What is wrong: The lead has a default title: "Лид #45".',
      'What to do: Rename the lead.',
    ].join('\n'))
  })

  it('writes the timeline comment of what the app did', () => {
    const what = toldText(base.problem, ['Анна Морозова'], false)
    expect(timelineComment('ru', base.ruleId, base.ruleTitle, what)).toBe(
      'Приложение «Правила компании»: У лида название по умолчанию: «Лид #45». Отправлено уведомление: Анна Морозова. ' +
        'Правило компании LEAD-TITLE — Название лида раскрывает суть обращения.',
    )
  })
})
