import { describe, expect, it } from 'vitest'
import { ADDRESS_FIELD_LIMIT, normalizeDomain, recipientDomains, recipientsScope } from './email.ts'
import { getHelper } from './registry.ts'

const ORG = 'corp.com'

describe('recipientDomains', () => {
  it.each([
    ['bob@CORP.COM', ['corp.com']],
    ['bob@corp.com.', ['corp.com']],
    ['"Smith, Bob" <bob@corp.com>', ['corp.com']],
    ['"bob,evil"@corp.com', ['corp.com']],
    ['"bob@corp.com"@evil.com', ['evil.com', 'corp.com']],
    // source routing in the local part reaches the host it names
    ['bob%evil.com@corp.com', ['corp.com', 'evil.com']],
    ['evil.com!bob@corp.com', ['corp.com', 'evil.com']],
    ['"bob@evil.com"@corp.com', ['corp.com', 'evil.com']],
    ['bob%x y@corp.com', undefined],
    ['"weird@evil.com" <bob@corp.com>', ['corp.com']],
    ['bob@corp.com (comment)', ['corp.com']],
    ['a@corp.com; b@evil.com', ['corp.com', 'evil.com']],
    ['Alice <a@corp.com>, Eve <e@evil.com.>', ['corp.com', 'evil.com']],
    ['bob@bücher.de', ['xn--bcher-kva.de']],
    [' , a@corp.com,, ', ['corp.com']],
    ['', []],
  ])('%j → %j', (field, domains) => {
    expect(recipientDomains(field)).toEqual(domains)
  })

  it('reads arrays of strings and of {email|address} objects', () => {
    expect(recipientDomains(['a@corp.com', { email: 'b@evil.com' }, { emailAddress: { address: 'c@corp.com' } }]))
      .toEqual(['corp.com', 'evil.com', 'corp.com'])
  })

  it.each([['not an address'], ['bob at corp dot com'], [42], [{ to: 'a@corp.com' }], [['a@corp.com', 7]], ['x'.repeat(ADDRESS_FIELD_LIMIT + 1)]])(
    'cannot read %j',
    (field) => {
      expect(recipientDomains(field as never)).toBeUndefined()
    },
  )
})

describe('recipientsScope: the worst of to, cc, bcc and reply-all', () => {
  it.each([
    [['bob@CORP.COM', null, null], false, 'self'],
    [['bob@corp.com.', null, null], false, 'self'],
    [['a@corp.com, b@corp.com', null, null], false, 'internal'],
    [['a@corp.com', 'b@eng.corp.com', null], false, 'internal'],
    [['a@corp.com', null, 'x@evil.com'], false, 'mixed'],
    [['a@corp.com', 'x@evil.com', null], false, 'mixed'],
    [['x@evil.com', null, null], false, 'external'],
    [['x@evil.com', null, 'not an address'], false, 'external'],
    [['a@corp.com', null, 'not an address'], false, 'unknown'],
    [['a@corp.com', null, null], true, 'unknown'],
    [['', null, null], false, 'unknown'],
    [['bob@corp.com.evil.com', null, null], false, 'external'],
  ])('%j reply_all=%j → %s', (fields, replyAll, scope) => {
    expect(recipientsScope(fields, ORG, replyAll)).toBe(scope)
  })

  it('with no org configured, every recipient is external', () => {
    expect(recipientsScope(['a@corp.com', null, null], '', false)).toBe('external')
  })

  it('is the recipients_scope helper (org, reply_all, field, …)', () => {
    const fn = getHelper('recipients_scope')!.fn
    expect(fn([ORG, null, 'bob@corp.com', null, 'drop@evil.com'])).toBe('mixed')
    expect(fn(['CORP.COM.', false, 'Bob <bob@CORP.com.>', null, null])).toBe('self')
    expect(fn([ORG, false, null, null, null, [{ emailAddress: { address: 'x@evil.com' } }]])).toBe('external')
    expect(fn([ORG, true, 'bob@corp.com'])).toBe('unknown')
  })

  it('normalizeDomain folds case, trailing dots and IDN, and rejects junk', () => {
    expect([normalizeDomain('CORP.COM.'), normalizeDomain('Bücher.DE'), normalizeDomain('a b'), normalizeDomain('')])
      .toEqual(['corp.com', 'xn--bcher-kva.de', undefined, undefined])
  })
})
