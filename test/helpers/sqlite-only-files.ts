// The test files about the SQLite adapter itself, left out when the suite runs on PostgreSQL (TEST_STORE=postgres).

/** Each SQLite-only test file, with why it does not run on PostgreSQL. */
export const SQLITE_ONLY_FILES: Readonly<Record<string, string>> = {
  'test/store/sqlite.contract.test.ts': 'the port contract on the SQLite adapter (postgres.contract.test.ts runs it on PostgreSQL)',
  'test/store/report-rows.test.ts': 'the report rows on the SQLite adapter (postgres.report-rows.test.ts runs them on PostgreSQL)',
  'test/store/repositories.test.ts': "SQLite's synchronous repositories and its migrations",
  'test/store/migrations.test.ts': "SQLite's migrations (postgres-migrations.test.ts has PostgreSQL's)",
  'test/store/read-memo.test.ts': "SQLite's shared-read memo",
  'test/store/token-sealing.test.ts': "the tokens sealed in SQLite's rows and file",
  'test/store/rotate-key.test.ts': 'npm run rotate-key on a SQLite file',
  'test/reports/report-stream.test.ts': "seeded through SQLite's synchronous repositories in one transaction (test/bench/report-store.ts)",
  'test/e2e/crash.test.ts': "reads the killed process's SQLite file row by row",
}

/** The message a run on PostgreSQL prints for each file it leaves out. */
export function sqliteOnlyMessages(): string[] {
  return Object.entries(SQLITE_ONLY_FILES).map(([file, why]) => `${file}: SQLite only, skipped under TEST_STORE=postgres — ${why}`)
}
