// Test runner settings: every suite runs in Node, servers stay on 127.0.0.1. With TEST_STORE=postgres the app's store
// in the tests is PostgreSQL (test/helpers/test-store.ts), and the files about the SQLite adapter itself are left out.
import { defineConfig } from 'vitest/config'
import { SQLITE_ONLY_FILES, sqliteOnlyMessages } from './test/helpers/sqlite-only-files.js'

const onPostgres = process.env.TEST_STORE === 'postgres'
if (onPostgres) for (const message of sqliteOnlyMessages()) console.warn(message)

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: onPostgres ? ['**/node_modules/**', '**/.git/**', ...Object.keys(SQLITE_ONLY_FILES)] : ['**/node_modules/**', '**/.git/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
