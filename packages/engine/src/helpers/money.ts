/**
 * Payment amounts as agents send them: Stripe integers in the currency's minor unit (`1500` = $15.00,
 * `1500` JPY = ¥1500), or human-written strings with separators, decimals, symbols and codes
 * (`"5,000,000"`, `"5 000"`, `"5_000"`, `"1.234,56"`, `"$6,000.00"`, `"6000 USD"`). A string is read
 * in the currency's major unit; when separators are ambiguous (`"1,500"`: 1.5 or 1500) the larger
 * reading wins. Negative, non-numeric, non-finite or unreadable amounts are `invalid` (never 0).
 *
 * Minor units follow Stripe's currency table (zero-decimal and three-decimal currencies), not ISO
 * 4217: Stripe sends, for example, ISK and UGX amounts with two decimals, so an ISO data package
 * would misread them.
 */
import type { JsonObject, JsonValue } from '../types.ts'
import type { HelperDef } from './types.ts'

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'])
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd'])
const SYMBOLS: Readonly<Record<string, string>> = { '$': 'usd', '€': 'eur', '£': 'gbp', '¥': 'jpy', '₩': 'krw', '₹': 'inr', '₽': 'rub', '₺': 'try', '₫': 'vnd' }

/** Decimal places of a currency's minor unit (2 when unknown). */
export function currencyDecimals(currency: string): number {
  const c = currency.toLowerCase()
  if (ZERO_DECIMAL.has(c)) return 0
  if (THREE_DECIMAL.has(c)) return 3
  return 2
}

export interface MoneyAmount {
  /** The amount was given (a missing amount is not an error: a refund without one is a full refund). */
  readonly present: boolean
  readonly valid: boolean
  /** In the currency's minor unit, rounded up; `null` when absent or invalid. */
  readonly minor: number | null
  readonly currency: string | null
  readonly reason: string
}

const GROUP_CHARS = /[\s\u00a0\u202f_']/g

/** Reads a human-written number: the value, or a reason it cannot be read. */
function readNumber(text: string): { value: number } | { error: string } {
  let s = text.trim()
  if (s === '') return { error: 'empty amount' }
  if (/^\(.*\)$/.test(s) || /^[-\u2212]/.test(s) || /[-\u2212]$/.test(s)) return { error: `negative amount '${text}'` }
  s = s.replace(/^\+/, '')
  s = s.replace(GROUP_CHARS, '')
  if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) return { error: `not a number: '${text}'` }
  const dots = s.split('.').length - 1
  const commas = s.split(',').length - 1
  let integer = s
  let fraction = ''
  if (dots > 0 && commas > 0) {
    // the last separator is the decimal one: "1,234.56" or "1.234,56"
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ','
    const group = dec === '.' ? ',' : '.'
    const at = s.lastIndexOf(dec)
    if (s.slice(0, at).includes(dec) || s.slice(at).includes(group)) return { error: `unreadable separators in '${text}'` }
    integer = s.slice(0, at).split(group).join('')
    fraction = s.slice(at + 1)
  } else if (dots + commas === 1) {
    const sep = dots === 1 ? '.' : ','
    const at = s.indexOf(sep)
    const after = s.slice(at + 1)
    // "1,500" / "1.500": grouping or decimals; the larger reading (grouping) wins
    if (after.length === 3 && at > 0) integer = s.replace(sep, '')
    else {
      integer = s.slice(0, at)
      fraction = after
    }
  } else if (dots + commas > 1) {
    // "5,000,000", "5.000.000": group separators only
    if (dots > 0 && commas > 0) return { error: `unreadable separators in '${text}'` }
    integer = s.replace(/[.,]/g, '')
  }
  if (integer === '') integer = '0'
  const value = Number(`${integer}.${fraction === '' ? '0' : fraction}`)
  if (!Number.isFinite(value)) return { error: `amount out of range: '${text}'` }
  return { value }
}

function stripCurrency(text: string): { text: string; currency?: string } {
  let s = text.trim()
  let currency: string | undefined
  const code = /^([A-Za-z]{3})\s*(?=[\d.,(+-])|(?<=[\d.,)])\s*([A-Za-z]{3})$/
  const m = code.exec(s)
  if (m !== null) {
    currency = (m[1] ?? m[2] ?? '').toLowerCase()
    s = s.replace(m[0], '').trim()
  }
  for (const [sym, cur] of Object.entries(SYMBOLS)) {
    if (s.includes(sym)) {
      currency ??= cur
      s = s.replace(sym, '').trim()
    }
  }
  return currency === undefined ? { text: s } : { text: s, currency }
}

/** Reads an amount and its currency into minor units; total (never throws). */
export function moneyAmount(value: JsonValue | undefined, currency: JsonValue | undefined): MoneyAmount {
  let cur = typeof currency === 'string' && currency.trim() !== '' ? currency.trim().toLowerCase() : null
  const invalid = (reason: string): MoneyAmount => ({ present: true, valid: false, minor: null, currency: cur, reason })
  if (currency !== null && currency !== undefined && typeof currency !== 'string') return invalid('currency is not text')
  if (cur !== null && !/^[a-z]{3}$/.test(cur)) return invalid(`currency '${cur.slice(0, 20)}' is not a three-letter code`)
  if (value === null || value === undefined) return { present: false, valid: true, minor: null, currency: cur, reason: 'no amount given' }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return invalid('amount is not a finite number')
    if (value < 0 || Object.is(value, -0)) return invalid(`negative amount ${value}`)
    // Stripe's API takes integers in the minor unit; a fractional number is a major-unit amount
    const minor = Number.isInteger(value) ? value : Math.ceil(value * 10 ** currencyDecimals(cur ?? 'usd') - 1e-9)
    return { present: true, valid: true, minor, currency: cur, reason: '' }
  }
  if (typeof value !== 'string') return invalid(`amount is a ${Array.isArray(value) ? 'list' : typeof value}, not a number`)
  if (value.length > 64) return invalid('amount text longer than 64 characters')
  const stripped = stripCurrency(value.normalize('NFKC'))
  if (stripped.currency !== undefined) {
    if (cur !== null && cur !== stripped.currency) return invalid(`amount says ${stripped.currency}, currency says ${cur}`)
    cur = stripped.currency
  }
  const read = readNumber(stripped.text)
  if ('error' in read) return invalid(read.error)
  const minor = Math.ceil(read.value * 10 ** currencyDecimals(cur ?? 'usd') - 1e-9)
  if (!Number.isSafeInteger(minor)) return invalid(`amount out of range: '${value}'`)
  return { present: true, valid: true, minor: Math.max(0, minor), currency: cur, reason: '' }
}

export function moneyAmountToJson(m: MoneyAmount): JsonObject {
  return { present: m.present, valid: m.valid, minor: m.minor, currency: m.currency, reason: m.reason }
}

export const MONEY_HELPERS: readonly HelperDef[] = [
  {
    name: 'money_amount',
    arity: 2,
    description:
      'money_amount(amount, currency) → {present, valid, minor, currency, reason}: integers are Stripe minor ' +
      'units, strings (separators, decimals, symbols, codes) major units of the currency (zero- and ' +
      'three-decimal currencies per Stripe); negative, non-numeric or non-finite → valid: false.',
    fn: (args) => moneyAmountToJson(moneyAmount(args[0], args[1])),
  },
]
