/** What the shell analysis answers for a command line, for the shell tests. */
import { analyzeShell } from './shell.ts'

/** The working directory the shell tests run in (the project). */
export const PROJECT_CWD = '/home/dev/project'

export interface ShellVerdict {
  readonly verdict: 'deny' | 'ask' | 'allow'
  readonly deny: boolean
  readonly ask: boolean
  /** Deny reasons, then ask reasons. */
  readonly reasons: string[]
}

export function shellVerdict(command: string, cwd: string = PROJECT_CWD): ShellVerdict {
  const f = analyzeShell(command, cwd)
  return { verdict: f.deny ? 'deny' : f.ask ? 'ask' : 'allow', deny: f.deny, ask: f.ask, reasons: [...f.denyReasons, ...f.askReasons] }
}
