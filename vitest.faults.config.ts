// npm run test:faults: the fault suite alone (test/faults/*.faults.ts), which npm test leaves out; it runs for minutes.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
