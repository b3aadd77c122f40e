// LEAD-COMPANY-NAME's parser: real-looking names in, the company's spelling out, or "leave and report".
import { describe, expect, it } from 'vitest'
import { normalizeCompanyName } from '../../rules/company-name.js'
import { DEFAULT_LEGAL_FORMS } from '../../rules/legal-forms.js'

const LEAVE = 'leave and report'
const SAME = 'already right'

// One row a case: the name as typed in a portal, and what the rule makes of it.
const CASES: Array<[string, string]> = [
  // Quotes of every kind, form before the name
  ['ООО "Вектор"', 'Вектор ООО'],
  ['ООО «Вектор»', 'Вектор ООО'],
  ['ООО „Вектор“', 'Вектор ООО'],
  ['ООО “Вектор”', 'Вектор ООО'],
  ["ООО 'Вектор'", 'Вектор ООО'],
  ['ООО ‘Вектор’', 'Вектор ООО'],
  ['ООО ‹Вектор›', 'Вектор ООО'],
  ['ООО "Торговый дом «Вектор»"', 'Торговый дом Вектор ООО'],
  ['ООО «Торговый дом «Вектор»»', 'Торговый дом Вектор ООО'],
  ['ООО"Вектор"', 'Вектор ООО'],
  ['ООО«Вектор»', 'Вектор ООО'],
  ['"Вектор" ООО', 'Вектор ООО'],
  ['«Вектор»', 'Вектор'],
  ['Торговый дом «Вектор»', 'Торговый дом Вектор'],
  ['Торговый дом«Вектор»', 'Торговый дом Вектор'],
  // Form after a comma, in brackets, at the end
  ['"Ромашка", АО', 'Ромашка АО'],
  ['Ромашка, ООО', 'Ромашка ООО'],
  ['«Ромашка» , ЗАО', 'Ромашка ЗАО'],
  ['Банк ВТБ (ПАО)', 'Банк ВТБ ПАО'],
  ['Сбербанк (ПАО)', 'Сбербанк ПАО'],
  ['(ПАО) Сбербанк', 'Сбербанк ПАО'],
  ['ПАО Сбербанк', 'Сбербанк ПАО'],
  ['ПАО «Сбербанк России»', 'Сбербанк России ПАО'],
  ['ПАО "МТС"', 'МТС ПАО'],
  // Every form, current and historical
  ['АО "Альфа-Банк"', 'Альфа-Банк АО'],
  ['ОАО "РЖД"', 'РЖД ОАО'],
  ['ЗАО «Ланит»', 'Ланит ЗАО'],
  ['НАО «Северсталь-Инвест»', 'Северсталь-Инвест НАО'],
  ['ИП Иванов Иван Иванович', 'Иванов Иван Иванович ИП'],
  ['ИП Петрова А.В.', 'Петрова А.В. ИП'],
  ['ГУП «Мосгортранс»', 'Мосгортранс ГУП'],
  ['МУП "Водоканал"', 'Водоканал МУП'],
  ['ФГУП «Почта России»', 'Почта России ФГУП'],
  ['АНО "Центр развития"', 'Центр развития АНО'],
  ['НКО «Фонд поддержки»', 'Фонд поддержки НКО'],
  ['ТОО «Астана Строй»', 'Астана Строй ТОО'],
  ['ОДО "Белтехника"', 'Белтехника ОДО'],
  ['ЧУП «Минсктранс»', 'Минсктранс ЧУП'],
  ['LLC "Vector"', 'Vector LLC'],
  ['Vector, LLC', 'Vector LLC'],
  ['Ltd "Horizon"', 'Horizon Ltd'],
  ['Horizon Ltd.', 'Horizon Ltd'],
  ['JSC "Kaspi Bank"', 'Kaspi Bank JSC'],
  ['Inc. "Acme"', 'Acme Inc'],
  ['Acme, Inc.', 'Acme Inc'],
  ['GmbH "Müller"', 'Müller GmbH'],
  ['Siemens GmbH', SAME],
  // Spelled-out forms
  ['Общество с ограниченной ответственностью «Альфа-Строй»', 'Альфа-Строй ООО'],
  ['общество с ограниченной ответственностью "Альфа-Строй"', 'Альфа-Строй ООО'],
  ['ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "АЛЬФА-СТРОЙ"', 'АЛЬФА-СТРОЙ ООО'],
  ['Публичное акционерное общество «Газпром»', 'Газпром ПАО'],
  ['Закрытое акционерное общество "Ромашка"', 'Ромашка ЗАО'],
  ['Открытое акционерное общество «Вымпел»', 'Вымпел ОАО'],
  ['Акционерное общество «Тинькофф Банк»', 'Тинькофф Банк АО'],
  ['Непубличное акционерное общество «Гранит»', 'Гранит НАО'],
  ['Индивидуальный предприниматель Сидоров Пётр Петрович', 'Сидоров Пётр Петрович ИП'],
  ['Федеральное государственное унитарное предприятие «Охрана»', 'Охрана ФГУП'],
  ['Государственное унитарное предприятие «Мосводосток»', 'Мосводосток ГУП'],
  ['Муниципальное унитарное предприятие "Теплосеть"', 'Теплосеть МУП'],
  ['Автономная некоммерческая организация «Школа»', 'Школа АНО'],
  ['Товарищество с ограниченной ответственностью «Кайрат»', 'Кайрат ТОО'],
  ['Общество с дополнительной ответственностью «Гомель»', 'Гомель ОДО'],
  ['Частное унитарное предприятие «Брест»', 'Брест ЧУП'],
  ['Vector Limited Liability Company', 'Vector LLC'],
  ['Joint Stock Company "Halyk"', 'Halyk JSC'],
  ['Acme Incorporated', 'Acme Inc'],
  // Any case, look-alike letters
  ['ооо "Вектор"', 'Вектор ООО'],
  ['Ооо Вектор', 'Вектор ООО'],
  ['OOO "Вектор"', 'Вектор ООО'],
  ['OАО «Рассвет»', 'Рассвет ОАО'],
  ['3AO "Ромашка"', 'Ромашка ЗАО'],
  ['AO «Ромашка»', 'Ромашка АО'],
  ['Вектор ooo', 'Вектор ООО'],
  ['llc "Vector"', 'Vector LLC'],
  ['vector ltd', 'vector Ltd'],
  // Spaces and punctuation
  ['  ООО   "Вектор"  ', 'Вектор ООО'],
  ['Вектор  ООО', 'Вектор ООО'],
  ['Вектор ООО.', 'Вектор ООО'],
  ['Вектор ООО;', 'Вектор ООО'],
  ['ООО "Вектор".', 'Вектор ООО'],
  ['Вектор ', 'Вектор'],
  // Inner hyphens, digits, apostrophes and dots stay
  ['ООО "Альфа-Строй 2000"', 'Альфа-Строй 2000 ООО'],
  ['ООО «1С-Битрикс»', '1С-Битрикс ООО'],
  ['ООО "О\'КЕЙ"', "О'КЕЙ ООО"],
  ["McDonald's LLC", SAME],
  ['ООО «Яндекс.Такси»', 'Яндекс.Такси ООО'],
  ['ООО "Рога и копыта"', 'Рога и копыта ООО'],
  ['ООО «Альфа, Бета и партнёры»', 'Альфа, Бета и партнёры ООО'],
  // Already right
  ['ВТБ24 ОАО', SAME],
  ['Вектор ООО', SAME],
  ['Альфа-Строй ООО', SAME],
  ['Иванов Иван Иванович ИП', SAME],
  ['Газпром', SAME],
  ['Яндекс', SAME],
  ['Horizon Ltd', SAME],
  ['', SAME],
  // Too unclear to change: leave and report
  ['ООО', LEAVE],
  ['"ООО"', LEAVE],
  ['ООО Вектор АО', LEAVE],
  ['ООО «Вектор» ЗАО', LEAVE],
  ['Торговый дом ООО Вектор', LEAVE],
  ['Общество с ограниченной ответственностью', LEAVE],
  ['«»', LEAVE],
  ['ООО "..."', LEAVE],
]

describe('normalizeCompanyName', () => {
  it('has a table of at least 80 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80)
  })

  it.each(CASES)('%j → %s', (input, expected) => {
    const verdict = normalizeCompanyName(input, DEFAULT_LEGAL_FORMS)
    if (expected === SAME) expect(verdict).toEqual({ kind: 'ok' })
    else if (expected === LEAVE) expect(verdict).toMatchObject({ kind: 'unsure', reason: { ru: expect.any(String), en: expect.any(String) } })
    else expect(verdict).toEqual({ kind: 'fix', value: expected })
  })

  it('fixes nothing twice: a fixed name is already right', () => {
    for (const [input, expected] of CASES) {
      if (expected === SAME || expected === LEAVE) continue
      expect(normalizeCompanyName(expected, DEFAULT_LEGAL_FORMS)).toEqual({ kind: 'ok' })
    }
  })

  it('takes its forms from settings, not from code', () => {
    const forms = [{ short: 'КФХ', full: ['Крестьянское фермерское хозяйство'] }]
    expect(normalizeCompanyName('КФХ «Колос»', forms)).toEqual({ kind: 'fix', value: 'Колос КФХ' })
    expect(normalizeCompanyName('Крестьянское фермерское хозяйство "Нива"', forms)).toEqual({ kind: 'fix', value: 'Нива КФХ' })
    expect(normalizeCompanyName('ООО «Вектор»', forms)).toEqual({ kind: 'fix', value: 'ООО Вектор' })
  })
})
