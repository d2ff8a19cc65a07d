import { describe, expect, it } from 'vitest'
import { moneyAmount } from './money.ts'
import { getHelper } from './registry.ts'

describe('moneyAmount', () => {
  it.each<[unknown, string | null, number]>([
    [1500, 'usd', 1500],
    [1500, 'jpy', 1500],
    [0, 'usd', 0],
    [15.5, 'usd', 1550],
    [15.5, 'jpy', 16],
    ['15', 'usd', 1500],
    ['15.00', 'usd', 1500],
    ['6000.00', 'usd', 600000],
    ['5,000,000', 'usd', 500000000],
    ['5.000.000', 'eur', 500000000],
    ['5 000', 'eur', 500000],
    ['5\u00a0000', 'eur', 500000],
    ['5_000', 'usd', 500000],
    ["5'000.50", 'chf', 500050],
    ['1,234.56', 'usd', 123456],
    ['1.234,56', 'eur', 123456],
    ['1,500', 'usd', 150000],
    ['1.500', 'kwd', 1500000],
    ['12,5', 'eur', 1250],
    ['0.5', 'usd', 50],
    ['.99', 'usd', 99],
    ['10.005', 'usd', 1000500],
    ['10.0051', 'usd', 1001],
    ['5000', 'jpy', 5000],
    ['1.250', 'kwd', 1250000],
    ['1.25', 'kwd', 1250],
    ['$6,000', null, 600000],
    ['€ 1.234,56', null, 123456],
    ['¥5000', null, 5000],
    ['6000 USD', null, 600000],
    ['USD 6000', 'usd', 600000],
    ['+15', 'usd', 1500],
    ['１５００', 'usd', 150000],
  ])('%j %s → %d minor units', (value, currency, minor) => {
    const m = moneyAmount(value as never, currency)
    expect(m).toMatchObject({ valid: true, present: true, minor })
  })

  it.each<[unknown, string | null]>([
    [-1500, 'usd'],
    [-0.01, 'usd'],
    ['-15', 'usd'],
    ['−15', 'usd'],
    ['(15.00)', 'usd'],
    ['15-', 'usd'],
    [Number.NaN, 'usd'],
    [Number.POSITIVE_INFINITY, 'usd'],
    ['NaN', 'usd'],
    ['Infinity', 'usd'],
    ['1e6', 'usd'],
    ['0x10', 'usd'],
    ['fifteen', 'usd'],
    ['', 'usd'],
    ['   ', 'usd'],
    ['1,2.3,4', 'usd'],
    ['1.2,3.4', 'usd'],
    ['9'.repeat(40), 'usd'],
    ['15', 'dollars'],
    ['15 EUR', 'usd'],
    [true, 'usd'],
    [{ value: 15 }, 'usd'],
    [[15], 'usd'],
    [15, 5 as never],
  ])('%j %s is invalid, never 0', (value, currency) => {
    const m = moneyAmount(value as never, currency)
    expect(m.valid).toBe(false)
    expect(m.minor).toBeNull()
    expect(m.reason).not.toBe('')
  })

  it('a missing amount is absent, not zero', () => {
    expect(moneyAmount(null, 'usd')).toMatchObject({ present: false, valid: true, minor: null })
  })

  it('is exposed as money_amount', () => {
    expect(getHelper('money_amount')?.fn(['5,000,000', 'usd'])).toMatchObject({ valid: true, minor: 500000000 })
  })
})
