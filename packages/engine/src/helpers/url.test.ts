import { describe, expect, it } from 'vitest'
import { getHelper } from './registry.ts'
import { classifyHost, classifyUrl, headersCarrySecret, URL_LENGTH_LIMIT } from './url.ts'

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

describe('SSRF by address: every spelling of an internal address is internal', () => {
  it.each([
    ['http://0x7f000001/', true, false],
    ['http://017700000001/', true, false],
    ['http://0177.0.0.1/', true, false],
    ['http://127.1/', true, false],
    ['http://0/', true, false],
    ['http://[::]/', true, false],
    ['http://[::ffff:127.0.0.1]/', true, false],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', true, false],
    ['http://１２７．０．０．１/', true, false],
    ['http://2852039166/', false, true],
    ['http://0xa9.0xfe.0xa9.0xfe/', false, true],
    ['http://[::ffff:169.254.169.254]/', false, true],
    ['http://[::ffff:a9fe:a9fe]/', false, true],
    ['http://[::169.254.169.254]/', false, true],
    ['http://[64:ff9b::169.254.169.254]/', false, true],
    ['http://[2002:a9fe:a9fe::1]/', false, true],
    ['http://[fd00:ec2::254]/', false, true],
    ['http://169.254.170.2/v2/credentials', false, true],
    ['http://100.100.100.200/', false, true],
  ])('%s → private, localhost=%j, metadata=%j', (url, loopback, metadata) => {
    const f = classifyUrl(url)
    expect(f).toMatchObject({ valid: true, private: true, metadataEndpoint: metadata })
    expect(f.localhost).toBe(loopback)
  })
})

describe('SSRF by name', () => {
  it.each([
    ['http://169.254.169.254.nip.io/', true],
    ['http://a9fea9fe.nip.io/', true],
    ['http://127-0-0-1.sslip.io/', false],
    ['http://10.1.2.3.xip.io/', false],
    ['http://10-0-0-5.anything.example/', false],
    ['http://whatever.nip.io/', false],
    ['http://make-1.2.3.4-rebind-169.254.169.254-rr.1u.ms/', true],
    ['http://app.localtest.me/', false],
    ['http://dev.lvh.me:3000/', false],
    ['http://api.localhost/', false],
    ['http://LOCALHOST./', false],
    ['http://grafana.internal/', false],
    ['http://printer.local/', false],
    ['http://kubernetes.default/', false],
    ['http://kubernetes.default.svc/', false],
    ['http://kubernetes.default.svc.cluster.local/', false],
    ['http://metadata.google.internal./', true],
    ['http://metadata/', true],
    ['http://intranet/', false],
  ])('%s is internal (metadata=%j)', (url, metadata) => {
    expect(classifyUrl(url)).toMatchObject({ private: true, metadataEndpoint: metadata })
  })

  it.each([
    'https://example.com/', 'https://api.github.com/repos', 'https://cdn.example.com/v1.2.3.4/app.js',
    'https://www.google.com/search?q=10.0.0.1', 'https://hooks.example.test/x', 'https://partner.example/',
  ])('%s stays public', (url) => {
    expect(classifyUrl(url)).toMatchObject({ valid: true, private: false, metadataEndpoint: false })
  })
})

describe('what a URL carries', () => {
  it('finds secrets in the path, query and fragment, and webhook URLs', () => {
    expect(classifyUrl('https://x.example/verify/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFU').pathSecret).toBe(true)
    expect(classifyUrl('https://x.example/?q=AKIAQ3EGRT5XN2LDQ7VB').pathSecret).toBe(true)
    expect(classifyUrl('https://x.example/cb#access_token=ya29.a0AfH6SMBxyzabcdefghijklmnop').querySecret).toBe(true)
    expect(classifyUrl('https://x.example/x?X-Amz-Signature=abcdef123456').querySecret).toBe(true)
    expect(classifyUrl('https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX').pathSecret).toBe(true)
    expect(classifyUrl('https://docs.python.org/3/library/os.html')).toMatchObject({ pathSecret: false, querySecret: false })
  })

  it("recognises permit0's own API on any host and the daemon's port on loopback, encoded too", () => {
    expect(classifyUrl('https://x.example/api/v1/approvals/decide').guardApi).toBe(true)
    expect(classifyUrl('https://x.example/%61pi/v1/approvals').guardApi).toBe(true)
    expect(classifyUrl('http://127.0.0.1:9090/').guardApi).toBe(true)
    expect(classifyUrl('http://127.0.0.1:3000/').guardApi).toBe(false)
  })

  it('flags schemes: file/gopher/dict are dangerous, other non-http schemes are other', () => {
    expect(classifyUrl('file:///etc/passwd')).toMatchObject({ dangerousScheme: true, otherScheme: true })
    expect(classifyUrl('gopher://127.0.0.1:6379/_x')).toMatchObject({ dangerousScheme: true })
    expect(classifyUrl('wss://stream.example/')).toMatchObject({ dangerousScheme: false, otherScheme: true })
    expect(classifyUrl('localhost:8080/x')).toMatchObject({ scheme: 'https', host: 'localhost', port: 8080 })
  })

  it('refuses oversized and malformed URLs without throwing', () => {
    expect(classifyUrl(`https://example.com/?q=${'a'.repeat(URL_LENGTH_LIMIT)}`)).toMatchObject({ valid: false, oversized: true })
    for (const bad of ['http://exa mple.com/', 'http://[::1/', 'http://[fe80::1%25eth0]/', '::::', '\u0000']) {
      expect(classifyUrl(bad).valid, bad).toBe(false)
    }
  })

  it('headers: credential-named headers in any shape, or a secret in any header', () => {
    expect(headersCarrySecret({ Authorization: 'Bearer x' })).toBe(true)
    expect(headersCarrySecret([['cookie', 'a=b']])).toBe(true)
    expect(headersCarrySecret([{ name: 'X-Api-Key', value: 'v' }])).toBe(true)
    expect(headersCarrySecret('Accept: */*\nProxy-Authorization: Basic eA==')).toBe(true)
    expect(headersCarrySecret({ 'X-Debug': 'AKIAQ3EGRT5XN2LDQ7VB' })).toBe(true)
    expect(headersCarrySecret({ Accept: 'application/json' })).toBe(false)
    expect(headersCarrySecret(null)).toBe(false)
  })

  it('http_method and http_action_type compare methods case-insensitively', () => {
    const method = getHelper('http_method')!.fn
    const type = getHelper('http_action_type')!.fn
    expect([method(['Delete']), type(['Delete']), type(['dElEtE']), type([' post ']), type(['Patch']), type([null]), type(['HEAD'])])
      .toEqual(['DELETE', 'network.delete', 'network.delete', 'network.post', 'network.put', 'network.get', 'network.get'])
    expect([method([['GET']]), type([['GET']]), type(['FROB']), type(['G E T'])]).toEqual(['INVALID', 'network.post', 'network.post', 'network.post'])
  })
})
