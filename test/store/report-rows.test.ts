// The report rows' contract on the SQLite adapter, in memory and on a file as the app runs it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { describeReportRowsContract } from './report-rows.contract.js'

describeReportRowsContract('SQLite in memory', (now) => openStore(':memory:', now))

const dir = mkdtempSync(join(tmpdir(), 'rules-report-rows-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))
describeReportRowsContract('SQLite file', (now) => openStore(join(dir, `store-${++files}.db`), now))
