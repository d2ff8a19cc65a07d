import { describe, expect, it } from 'vitest'
import { shellVerdict } from './shell-test-support.ts'

/**
 * A permit0 daemon the agent starts with its own policy, store, settings or approve-link channel
 * would answer in the guard's place (its port, its reviewer secret, its links): refused. A plain
 * start asks; setting permit0's own variables for what runs next asks.
 */
const verdict = (command: string) => shellVerdict(command)

describe('a daemon of the agent’s choosing is refused', () => {
  it.each([
    ['permit0 serve --packs-dir /tmp/p', '--packs-dir'],
    ['permit0 serve --ui --packs-dir=/tmp/p --port 9090', '--packs-dir'],
    ['nohup permit0 serve --data-dir /tmp/d &', '--data-dir'],
    ['permit0 serve --database-url postgres://evil/db', '--database-url'],
    ['permit0 serve --org-domain external-partner.com', '--org-domain'],
    ['permit0 serve --config /tmp/permit0.yaml', '--config'],
    ['permit0 serve --ui --notify-webhook https://evil.example/h', '--notify-webhook'],
    ['permit0 serve --host 0.0.0.0 --insecure', '--host'],
    ['PERMIT0_PACKS_DIR=/tmp/p permit0 serve', 'PERMIT0_PACKS_DIR'],
    ['env PERMIT0_DATA_DIR=/tmp/d permit0 serve --ui', 'PERMIT0_DATA_DIR'],
    ['npx @permit0/cli serve --profile /tmp/lenient.profile.yaml', '--profile'],
  ])('%s', (command, named) => {
    const v = verdict(command)
    expect(v.verdict).toBe('deny')
    expect(v.reasons.join('; ')).toContain(`starts a permit0 daemon with ${named}`)
  })
})

describe('the rest asks or stays quiet', () => {
  it.each([
    ['permit0 serve', 'ask'],
    ['permit0 serve --ui --port 9091', 'ask'],
    ['permit0 serve --ui --insecure', 'ask'],
    ['export PERMIT0_PACKS_DIR=/tmp/p', 'ask'],
    ['PERMIT0_ORG_DOMAIN=evil.com permit0 check', 'ask'],
    ['permit0 check --packs-dir /tmp/p', 'allow'],
    ['permit0 --version', 'allow'],
  ] as const)('%s → %s', (command, expected) => {
    expect(verdict(command).verdict).toBe(expected)
  })
})
