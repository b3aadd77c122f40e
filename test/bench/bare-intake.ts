// The intake's baseline (run by `npm run bench` as a child process, as the app is): a bare Fastify route that parses the
// portal's form the way the app does and writes the same inbox row to SQLite (WAL, synchronous=FULL), one insert a
// request, before its 200 — no verification, no group commit, no worker. Listens on PORT; DATABASE_PATH is its file.
import formbody from '@fastify/formbody'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import qs from 'qs'

const db = new Database(process.env.DATABASE_PATH ?? ':memory:')
db.exec('PRAGMA journal_mode = WAL')
db.exec('PRAGMA synchronous = FULL')
db.exec(`CREATE TABLE IF NOT EXISTS inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, member_id TEXT NOT NULL, event TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  ts TEXT NOT NULL, data TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (member_id, event, entity, entity_id, ts))`)
const insert = db.prepare(`INSERT INTO inbox (member_id, event, entity, entity_id, ts, data, received_at)
  VALUES (@memberId, @event, 'lead', @entityId, @ts, @data, @receivedAt) ON CONFLICT DO NOTHING`)

const app = Fastify({ logger: false })
await app.register(formbody, { parser: (body) => qs.parse(body, { depth: 10, parameterLimit: 1000, arrayLimit: 200, allowPrototypes: false }) })
app.post('/events', async (request) => {
  const body = request.body as { event?: string; ts?: string; data?: { FIELDS?: { ID?: string } }; auth?: { member_id?: string } }
  insert.run({
    memberId: body.auth?.member_id ?? '', event: body.event ?? '', entityId: body.data?.FIELDS?.ID ?? '', ts: body.ts ?? '',
    data: JSON.stringify(body.data ?? {}), receivedAt: new Date().toISOString(),
  })
  return { status: 'ok' }
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
