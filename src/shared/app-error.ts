// The error taxonomy: every failure the app reports has a code and an HTTP status.

/** An error with a stable code and the HTTP status a route should answer with. */
export class AppError extends Error {
  readonly code: string
  readonly statusCode: number

  constructor(code: string, message: string, statusCode = 500, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
  }
}

/** The input was malformed: a 400 whose message says what was wrong. */
export class BadRequestError extends AppError {
  constructor(message: string, code = 'BAD_REQUEST') {
    super(code, message, 400)
  }
}

/** The caller could not be authenticated (unknown portal, wrong application_token): a 401. */
export class UnauthorizedError extends AppError {
  constructor(message: string, code = 'UNAUTHORIZED') {
    super(code, message, 401)
  }
}

/** The caller is known but not allowed (a portal off the allow-list, tokens the portal denies): a 403. */
export class ForbiddenError extends AppError {
  constructor(message: string, code = 'FORBIDDEN', options?: { cause?: unknown }) {
    super(code, message, 403, options)
  }
}

/** Configuration that cannot be used; start-up stops with its message. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, 500)
  }
}
