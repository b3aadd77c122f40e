// Words that agree with a number.

/** Russian plural form: 1 минута, 2 минуты, 5 минут. */
export function plural(n: number, forms: readonly [string, string, string]): string {
  const abs = Math.abs(n)
  if (!Number.isInteger(abs)) return forms[1]
  const ten = abs % 10
  const hundred = abs % 100
  if (ten === 1 && hundred !== 11) return forms[0]
  if (ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14)) return forms[1]
  return forms[2]
}
