// Errors the user can act on: shown without a stack trace, with a documented exit code.
export const EXIT = {ok: 0, failure: 1, usage: 2, cancelled: 130} as const

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message)
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage)
  }
}
