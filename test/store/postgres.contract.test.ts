// The store port's contract (and the REST budget's) on the PostgreSQL adapter, each test on a fresh schema (TEST_DATABASE_URL; skipped without).
import { afterAll, describe } from 'vitest'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { describeStoreContract } from './contract.js'
import { describeRestBudgetContract } from './rest-budgets.contract.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'

if (TEST_DATABASE_URL === undefined) {
  describe('store contract: PostgreSQL', () => sayPostgresSkipped('store contract'))
} else {
  const schemas = freshSchemas(TEST_DATABASE_URL)
  afterAll(() => schemas.dropAll())
  describeStoreContract('PostgreSQL', (now) => openPostgresStore(schemas.next(), now))
  describeRestBudgetContract('PostgreSQL', (now) => openPostgresStore(schemas.next(), now))
}
