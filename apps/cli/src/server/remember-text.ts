import type { Remember } from '@permit0/contracts'

/**
 * One line for people (the hook's message, `permit0 approvals decide`): what the decision covers.
 * `expires_at` is shown as given (UTC, ISO 8601).
 */
export function describeRemember(remember: Remember): string {
  switch (remember.scope) {
    case 'once':
      return 'Decided for this call only (not remembered)'
    case 'call':
      return `Remembered for this exact call until ${remember.expires_at ?? '(no expiry)'}`
    case 'session':
      return `Remembered for this exact call in this session until ${remember.expires_at ?? '(no expiry)'}`
  }
}
