// A robot call's answer as plain data: the return values, the log line, when the step goes on, and what else to plan.
import type { Text } from '../../rules/types.js'
import type { PlanStep } from '../store/plan.js'

/** What one robot decided for one call. */
export interface RobotAnswer {
  returnValues: Record<string, unknown>
  log: Text
  /** The step goes on at this moment (its answer is sent no earlier); undefined: at once. */
  resumeAt?: Date
  /** Besides the answer: a fix, a notice. */
  steps: PlanStep[]
  unknownUsers: string[]
}

/** An answer that ends the step with an error in its log and no return values (the step's defaults), rather than leaving it waiting. */
export function errorAnswer(log: Text): RobotAnswer {
  return { returnValues: {}, log, steps: [], unknownUsers: [] }
}

/** A plain answer: these values, this log line. */
export function answer(returnValues: Record<string, unknown>, log: Text, extra: Partial<Pick<RobotAnswer, 'resumeAt' | 'steps' | 'unknownUsers'>> = {}): RobotAnswer {
  return { returnValues, log, steps: [], unknownUsers: [], ...extra }
}

/** One property's value as a string ('' when absent; the first of several). */
export function propertyText(properties: Readonly<Record<string, string | string[]>>, key: string): string {
  const value = properties[key]
  if (Array.isArray(value)) return value[0] ?? ''
  return value ?? ''
}

/** A multiple property's values: a list as PHP brackets send it, or one comma-separated string; empty ones dropped. */
export function propertyList(properties: Readonly<Record<string, string | string[]>>, key: string): string[] {
  const value = properties[key]
  const list = Array.isArray(value) ? value : (value ?? '').split(',')
  return list.map((item) => item.trim()).filter((item) => item !== '')
}
