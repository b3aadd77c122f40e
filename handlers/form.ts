// The portal posts PHP-style nested forms (auth[member_id]=…): parse them with qs, and refuse anything else.
import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import qs from 'qs'
import { AppError } from '../src/shared/app-error.js'

/** Registers the form parser: nested keys up to 10 levels, every value a string. */
export async function registerFormParser(app: FastifyInstance): Promise<void> {
  await app.register(formbody, {
    parser: (body) => qs.parse(body, { depth: 10, parameterLimit: 1000, arrayLimit: 200, allowPrototypes: false }),
  })
}

/** A preHandler that answers 415 unless the body is application/x-www-form-urlencoded. */
export async function formOnly(request: FastifyRequest): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The portal posts application/x-www-form-urlencoded; this body is not', 415)
  }
}
