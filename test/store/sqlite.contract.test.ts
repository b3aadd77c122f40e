// The store port's contract (and the REST budget's) on the SQLite adapter: in memory, and on a file as the app runs it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openStore } from '../../src/store/index.js'
import { describeStoreContract } from './contract.js'
import { describeRestBudgetContract } from './rest-budgets.contract.js'

describeStoreContract('SQLite in memory', (now) => openStore(':memory:', now))
describeRestBudgetContract('SQLite in memory', (now) => openStore(':memory:', now))

const dir = mkdtempSync(join(tmpdir(), 'rules-contract-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))
describeStoreContract('SQLite file', (now) => openStore(join(dir, `store-${++files}.db`), now))
describeRestBudgetContract('SQLite file', (now) => openStore(join(dir, `store-${++files}.db`), now))
