/** Output sinks injected into pack/normalize commands (tests capture them). */
export interface CommandIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
}

export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
