// The reports bench's database: `rows` list rows of a month (test/bench/report-store.ts) in a SQLite file, as the app
// keeps them, in a process of its own so that the report's run starts with nothing of it in memory:
//   node --import tsx test/bench/report-seed.ts <rows> <file.db>
import { openStore } from '../../src/store/index.js'
import { SEEDED_FROM, SEEDED_MEMBER, seedDirectory, seedReportStore } from './report-store.js'

const [rowsText, path] = process.argv.slice(2)
const rows = Number(rowsText)
if (!Number.isInteger(rows) || rows <= 0 || !path) throw new Error('usage: report-seed.ts <rows> <file.db>')
let time = SEEDED_FROM
const store = openStore(path, () => new Date(time))
store.sync.portals.install({ memberId: SEEDED_MEMBER, domain: 'vector.bitrix24.ru', clientEndpoint: 'https://vector.bitrix24.ru/rest/', serverEndpoint: 'https://oauth.bitrix.info/rest/',
  accessToken: 'access', refreshToken: 'refresh', expiresAt: 1_800_000_000, applicationToken: 'app', scope: 'crm,task,user', adminUserId: 1, appStatus: 'L', licenseFamily: 'project', language: 'ru' })
seedDirectory(store, new Date(time))
seedReportStore(store, rows, (ms) => { time = ms })
store.close()
