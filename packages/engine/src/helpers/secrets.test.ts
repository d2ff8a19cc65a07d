import { describe, expect, it } from 'vitest'
import { getHelper } from './registry.ts'
import { detectSecrets, SECRET_SCAN_LIMIT, textOf } from './secrets.ts'

// Fake credentials with the shapes of real ones (none is valid anywhere).
const AKIA = 'AKIAQ3EGRT5XN2LDQ7VB'
const AWS_SECRET = '9dR2kq/Lm7PzXw4vRt+Yb8NcJd3HgA6eUo1TiQ5s'
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'

describe('detectSecrets', () => {
  it.each([
    ['secretlint AWS labelled secret key', `aws_secret_access_key = ${AWS_SECRET}`, 'AWSSecretAccessKey'],
    ['AWS access key id', `key ${AKIA}`, 'AWSAccessKeyID'],
    ['bare AWS secret key', `here: ${AWS_SECRET}`, 'AWSSecretAccessKey'],
    ['the AWS documentation example key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWSSecretAccessKey'],
    ['JWT', `Bearer-less ${JWT}`, 'JWT'],
    ['Google API key', 'AIzaSyDq3Xb9Kf7LmN2pQ4rS6tU8vW0xY1zA3bC', 'GoogleAPIKey'],
    ['GitHub token (exact length)', `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`, 'GITHUB_TOKEN'],
    ['GitHub token (other length)', `ghp_${'a1B2c3D4e5'.repeat(4)}`, 'GITHUB_TOKEN'],
    ['Slack bot token', 'xoxb-2345678901-2345678901234-AbCdEfGhIjKlMnOpQrStUvWx', 'SLACK_TOKEN'],
    ['Slack webhook', 'https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX', 'SlackWebhook'],
    ['Stripe live key', 'sk_live_51HqLyjWDarjtT1zdp7dcXYZabc123', 'StripeSecretKey'],
    ['GitLab token', 'glpat-Xy7Zq2Wv9Ut4Rs1Pq0Nm', 'GitLabToken'],
    ['PEM header alone', '-----BEGIN RSA PRIVATE KEY-----\nMIIE', 'PrivateKey'],
    ['password assignment', 'staging password: hunter2hunter2', 'CredentialAssignment'],
    ['JSON api key', '{"api_key": "q8W3e5R7t9Y1u3I5"}', 'CredentialAssignment'],
    ['bearer header', 'Authorization: Bearer abcdefghijklmnopqrstuvwx123456', 'BearerToken'],
    ['database URL with password', 'postgres://app:S3cr3tPw@db.internal:5432/shop', 'PostgreSQLConnection'],
    ['URL-encoded key', 'k=AKIA%51%33EGRT5XN2LDQ7VB', 'AWSAccessKeyID'],
  ])('finds a %s', (_label, text, kind) => {
    const f = detectSecrets(text)
    expect(f.found).toBe(true)
    expect(f.kinds).toContain(kind)
  })

  it.each([
    ['plain prose', 'Deploy finished, all green'],
    ['a git SHA', 'Reverted 3f786850e387550fdab836ed7e6dc881de23001b'],
    ['an environment reference', 'password = process.env.DB_PASSWORD'],
    ['a Python environment lookup', 'password = os.environ["DB_PASSWORD"]'],
    ['a placeholder', 'Set API_KEY=<your-key> in .env'],
    ['a shell variable', 'token: ${GITHUB_TOKEN}'],
    ['a masked value', 'password: ********'],
    ['a camelCase identifier', 'ThisIsAVeryLongIdentifierNameForTesting1'],
    ['a source path', 'see src/components/Header/HeaderMenuItem1Abc.tsx'],
    ['a UUID', 'request 9b2f7c1e-4d3a-4b8e-9f0a-1c2d3e4f5a6b failed'],
    ['a package integrity hash', 'sha512-Xy9ZaBcD1eFgH2iJkL3mNoP4qRsT5uVwX6yZ7aB8cD9eF0gH1iJ2kL3m=='],
    ['a sentence about tokens', 'The token expired, please log in again'],
    ['a test fixture password', 'password: "test-password-123"'],
    ['a secretlint-disable comment cannot silence anything, and plain text stays clean', '// secretlint-disable'],
  ])('leaves %s alone', (_label, text) => {
    expect(detectSecrets(text)).toEqual({ found: false, kinds: [], oversized: false })
  })

  it('a secretlint-disable directive does not hide a secret', () => {
    expect(detectSecrets(`// secretlint-disable\n${AKIA}`).found).toBe(true)
  })

  it('scans only the first 256 KiB and says so', () => {
    const big = `${'a '.repeat(SECRET_SCAN_LIMIT)}${AKIA}`
    expect(detectSecrets(big)).toEqual({ found: false, kinds: [], oversized: true })
    expect(detectSecrets(`${AKIA} ${'a '.repeat(SECRET_SCAN_LIMIT)}`)).toMatchObject({ found: true, oversized: true })
  })

  it('never throws on odd input', () => {
    expect(() => detectSecrets('%E0%A4%A')).not.toThrow()
    expect(() => detectSecrets('\u0000\uFFFF'.repeat(1000))).not.toThrow()
  })
})

describe('secret_facts helper', () => {
  const fn = getHelper('secret_facts')!.fn
  it('walks objects and lists, keys included, over any number of arguments', () => {
    expect(fn([{ files: { 'a.env': { content: `AWS=${AKIA}` } } }])).toMatchObject({ found: true })
    expect(fn([null, ['ok', { x: JWT }]])).toMatchObject({ found: true, kinds: ['JWT'] })
    expect(fn([{ password: 'hunter2hunter2' }])).toMatchObject({ found: true })
    expect(fn([null, 42, true])).toEqual({ found: false, kinds: [], oversized: false })
  })
  it('textOf keeps key: value pairs so labelled secrets are recognised', () => {
    expect(textOf({ aws_secret_access_key: AWS_SECRET })).toBe(`aws_secret_access_key: ${AWS_SECRET}`)
  })
})
