// The default dictionary of legal forms: the short form the rule writes and the full names it recognises.

/** One legal form: how it is written after the name, and its spelled-out names. */
export interface LegalForm {
  short: string
  full: string[]
}

/** Current and historical Russian forms, and the common foreign ones; settings may replace the list. */
export const DEFAULT_LEGAL_FORMS: readonly LegalForm[] = [
  { short: 'ООО', full: ['Общество с ограниченной ответственностью'] },
  { short: 'ОДО', full: ['Общество с дополнительной ответственностью'] },
  { short: 'ПАО', full: ['Публичное акционерное общество'] },
  { short: 'НАО', full: ['Непубличное акционерное общество'] },
  { short: 'ОАО', full: ['Открытое акционерное общество'] },
  { short: 'ЗАО', full: ['Закрытое акционерное общество'] },
  { short: 'АО', full: ['Акционерное общество'] },
  { short: 'ИП', full: ['Индивидуальный предприниматель'] },
  { short: 'ФГУП', full: ['Федеральное государственное унитарное предприятие'] },
  { short: 'ГУП', full: ['Государственное унитарное предприятие'] },
  { short: 'МУП', full: ['Муниципальное унитарное предприятие'] },
  { short: 'ЧУП', full: ['Частное унитарное предприятие'] },
  { short: 'АНО', full: ['Автономная некоммерческая организация'] },
  { short: 'НКО', full: ['Некоммерческая организация'] },
  { short: 'ТОО', full: ['Товарищество с ограниченной ответственностью'] },
  { short: 'LLC', full: ['Limited Liability Company'] },
  { short: 'Ltd', full: ['Limited'] },
  { short: 'JSC', full: ['Joint Stock Company', 'Joint-Stock Company'] },
  { short: 'Inc', full: ['Incorporated'] },
  { short: 'GmbH', full: ['Gesellschaft mit beschränkter Haftung'] },
]
