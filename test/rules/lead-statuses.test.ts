// Where new leads start: the portal's first working lead status by sort, not a hard-coded NEW.
import { describe, expect, it } from 'vitest'
import { firstLeadStatus, type LeadStatus } from '../../rules/lead-statuses.js'

const standard: LeadStatus[] = [
  { statusId: 'NEW', sort: 10, semantics: null },
  { statusId: 'IN_PROCESS', sort: 20, semantics: null },
  { statusId: 'CONVERTED', sort: 40, semantics: 'S' },
  { statusId: 'JUNK', sort: 50, semantics: 'F' },
]

describe('firstLeadStatus', () => {
  it.each([
    ['the standard list', standard, 'NEW'],
    ['a custom status sorted before NEW', [...standard, { statusId: 'UC_INBOX', sort: 5, semantics: null }], 'UC_INBOX'],
    ['the list in any order', [...standard].reverse(), 'NEW'],
    ['a success status with the lowest sort is not a start', [{ statusId: 'CONVERTED', sort: 1, semantics: 'S' as const }, ...standard], 'NEW'],
    ['a portal not read yet', [], 'NEW'],
  ])('%s → %s', (_name, statuses, expected) => {
    expect(firstLeadStatus(statuses)).toBe(expected)
  })
})
