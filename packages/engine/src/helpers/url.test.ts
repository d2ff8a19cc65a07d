import { describe, expect, it } from 'vitest'
import { getHelper } from './registry.ts'
import { classifyHost, classifyUrl } from './url.ts'

describe('classifyUrl', () => {
  it.each([
    ['https://example.com/a?b=1', 'example.com', false, false],
    ['example.com/pricing', 'example.com', false, false],
    ['http://localhost:3000/x', 'localhost', true, true],
    ['http://127.0.0.1:8080', '127.0.0.1', true, true],
    ['http://[::1]:9200/', '::1', true, true],
    ['http://2130706433/', '127.0.0.1', true, true],
    ['http://10.1.2.3/', '10.1.2.3', true, false],
    ['http://172.20.0.5/', '172.20.0.5', true, false],
    ['http://172.200.1.1/', '172.200.1.1', false, false],
    ['http://192.168.0.1/', '192.168.0.1', true, false],
    ['http://169.254.169.254/latest', '169.254.169.254', true, false],
    ['http://[fd00::1]/', 'fd00::1', true, false],
    ['http://jenkins.internal/job', 'jenkins.internal', true, false],
    ['http://printer.local/', 'printer.local', true, false],
    ['http://intranet/', 'intranet', true, false],
    ['https://8.8.8.8/', '8.8.8.8', false, false],
  ])('%j → host %j private=%j localhost=%j', (url, host, priv, local) => {
    const f = classifyUrl(url)
    expect([f.host, f.private, f.localhost]).toEqual([host, priv, local])
  })

  it.each([
    ['http://169.254.169.254/', true],
    ['http://metadata.google.internal/computeMetadata/v1/', true],
    ['https://example.com', false],
  ])('%j metadata endpoint = %j', (url, meta) => {
    expect(classifyUrl(url).metadataEndpoint).toBe(meta)
  })

  it('notices credentials in the URL and token-like query parameters', () => {
    expect(classifyUrl('https://u:p@example.com').credentials).toBe(true)
    expect(classifyUrl('https://example.com/?access_token=abc').querySecret).toBe(true)
    expect(classifyUrl('https://example.com/?page=2').querySecret).toBe(false)
  })

  it('never throws on garbage', () => {
    expect(classifyUrl('http://[nope')).toMatchObject({ valid: false, host: '' })
    expect(classifyUrl('')).toMatchObject({ valid: false })
    expect(classifyHost('')).toMatchObject({ host: '', private: false })
  })

  it('is exposed as url_facts with snake_case keys', () => {
    expect(getHelper('url_facts')?.fn(['http://10.0.0.1/'])).toMatchObject({ host: '10.0.0.1', private: true, ip_literal: true })
    expect(getHelper('url_facts')?.fn([17])).toMatchObject({ valid: false })
  })
})
