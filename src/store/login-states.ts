// The OAuth login's states already spent, kept until they would have expired anyway: a state is good once, on any instance.
import type { Db } from './db.js'

/** Spends login states by their nonce. */
export class LoginStateRepo {
  readonly #forget
  readonly #spend

  constructor(db: Db, private readonly now: () => Date) {
    this.#forget = db.prepare('DELETE FROM spent_login_states WHERE expires_at <= ?')
    this.#spend = db.prepare('INSERT OR IGNORE INTO spent_login_states (nonce, expires_at) VALUES (?, ?)')
  }

  /** Spends the state `nonce` (good until `expiresAt`); false when it was spent before. Forgets the expired ones first. */
  spend(nonce: string, expiresAt: Date): boolean {
    this.#forget.run(this.now().toISOString())
    return this.#spend.run(nonce, expiresAt.toISOString()).changes === 1
  }
}
