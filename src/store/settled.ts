// The SQLite adapter answers the port's promises from synchronous calls.
/** A synchronous function as one that answers a promise (a throw becomes a rejection). */
export function settled<A extends unknown[], T>(work: (...args: A) => T): (...args: A) => Promise<T> {
  return (...args) => {
    try {
      return Promise.resolve(work(...args))
    } catch (error) {
      return Promise.reject(error)
    }
  }
}
