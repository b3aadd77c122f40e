// Store logic written once for both adapters: a generator that yields each repository call's answer and is handed
// back its value. SQLite's answers are values, run at once inside its synchronous transaction (runNow); PostgreSQL's
// are promises, awaited one after another on the transaction's client (runAwaited).

/** A repository's methods answering either at once or with a promise: what both adapters' repositories offer. */
export type Either<R> = {
  readonly [K in keyof R as R[K] extends (...args: never[]) => unknown ? K : never]: R[K] extends (...args: infer A) => infer T
    ? (...args: A) => Awaited<T> | Promise<Awaited<T>>
    : never
}

/** Store work as a generator of repository answers, ending with `T`. */
export type Steps<T> = Generator<unknown, T, unknown>

/** Yields one repository call's answer (a value or a promise) and gives back its value. */
export function* ask<T>(answer: T | Promise<T>): Steps<T> {
  return (yield answer) as T
}

/** Runs steps whose every answer is a value (SQLite); a promise among them is a bug, and throws. */
export function runNow<T>(steps: Steps<T>): T {
  let next = steps.next()
  while (!next.done) {
    if (next.value instanceof Promise) throw new Error('a synchronous store was handed an asynchronous answer')
    next = steps.next(next.value)
  }
  return next.value
}

/** Runs steps awaiting each answer in turn (PostgreSQL); a rejected answer is thrown into the steps. */
export async function runAwaited<T>(steps: Steps<T>): Promise<T> {
  let next = steps.next()
  while (!next.done) {
    let value: unknown
    try {
      value = await next.value
    } catch (error) {
      next = steps.throw(error)
      continue
    }
    next = steps.next(value)
  }
  return next.value
}
