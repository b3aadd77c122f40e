// The robot steps that ran on a record, for its tab: when, which robot, what it answered and whether the answer went.
import type { Text } from '../../rules/types.js'
import { ROBOTS } from '../robots/catalogue.js'
import type { StorePort } from '../store/port.js'

/** One robot step on the record. */
export interface RobotStepView {
  code: string
  name: Text
  at: string
  /** deciding (just called), waiting (its answer goes at `answerAt`), answered, failed (the portal refused it), not waited (the step did not wait). */
  state: 'deciding' | 'waiting' | 'answered' | 'failed' | 'not waited'
  answerAt: string | null
  logMessage: string | null
}

/** The newest robot steps on a lead or deal, newest first. */
export async function robotSteps(store: StorePort, memberId: string, entity: string, id: string): Promise<RobotStepView[]> {
  return (await store.robotCalls.ofRecord(memberId, entity, id)).map((line) => ({
    code: line.code,
    name: ROBOTS.find((robot) => robot.code === line.code)?.name ?? { ru: line.code, en: line.code },
    at: line.receivedAt,
    state: stateOf(line.decided, line.answer, line.answerAt),
    answerAt: line.answeredAt ?? line.answerAt,
    logMessage: line.logMessage,
  }))
}

function stateOf(decided: boolean, answer: string | null, answerAt: string | null): RobotStepView['state'] {
  if (!decided) return 'deciding'
  if (answerAt === null) return 'not waited'
  if (answer === 'done') return 'answered'
  if (answer === 'failed') return 'failed'
  return 'waiting'
}
