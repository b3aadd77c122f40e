// What people read: the same notice in Russian and English, with the record's link.
import { describe, expect, it } from 'vitest'
import { languageOf, notice, timelineComment, toldText } from '../src/enforce/messages.js'

const base = {
  origin: 'https://acme.bitrix24.ru',
  ruleId: 'LEAD-TITLE',
  ruleTitle: { ru: 'Название лида раскрывает суть обращения', en: "The lead's title tells what the request is" },
  record: { entity: 'lead' as const, id: '45', title: 'Лид #45' },
  problem: { ru: 'У лида название по умолчанию: «Лид #45».', en: 'The lead has a default title: "Лид #45".' },
  todo: { ru: 'Переименуйте лид.', en: 'Rename the lead.' },
}

describe('messages', () => {
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
