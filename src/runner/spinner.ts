/** ora spinners on waits, only in an interactive, non-plain terminal (plain mode prints a line). */
import type { CommandIO } from './io.js';

export async function withSpinner<T>(io: CommandIO, text: string, fn: () => Promise<T>): Promise<T> {
  if (!io.tty || io.plain) {
    if (io.plain) io.err.write(`${text}…\n`);
    return fn();
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.err as NodeJS.WriteStream }).start();
  try {
    const r = await fn();
    spinner.succeed();
    return r;
  } catch (e) {
    spinner.fail();
    throw e;
  }
}
