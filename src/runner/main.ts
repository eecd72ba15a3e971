/** CLI entry: build the program, run it, and turn every failure into one clear line and an exit code. */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import { UserError } from '../core/errors.js';
import { asTyped } from './invocation.js';

/**
 * `iam-labs progress | head -3`: the reader went away. Nothing more can be said to it, and that
 * is no error: stop quietly, as `cat` does.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

export function reportError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof UserError) {
    process.stderr.write(asTyped(`iam-labs: ${e.message}\n${e.hint ? `${e.hint}\n` : ''}`));
    return e.exitCode;
  }
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(
    `iam-labs hit an unexpected error. This is a bug: please report it with the text below.\n\n${detail}\n`,
  );
  return 70;
}

const code = await main(process.argv);
process.exitCode = code;
