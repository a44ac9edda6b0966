// The one error class for a user's mistake (bad flag, unknown kernel, corrupt results file, broken
// definition). The CLI prints its message as one line and exits 2; anything else is a bug in hotbench
// and keeps its stack trace.

export class UserError extends Error {
  override name = 'UserError';
}
