// The report rows' contract on the PostgreSQL adapter, each test on a fresh schema (TEST_DATABASE_URL; skipped without).
import { afterAll, describe } from 'vitest'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { freshSchemas, sayPostgresSkipped, TEST_DATABASE_URL } from './postgres-target.js'
import { describeReportRowsContract } from './report-rows.contract.js'

if (TEST_DATABASE_URL === undefined) {
  describe('report rows: PostgreSQL', () => sayPostgresSkipped('report rows'))
} else {
  const schemas = freshSchemas(TEST_DATABASE_URL)
  afterAll(() => schemas.dropAll())
  describeReportRowsContract('PostgreSQL', (now) => openPostgresStore(schemas.next(), now))
}
