/**
 * Questions that guard what cannot be undone (reset, start --fresh, solve, giving a one-account
 * backend to another lab): y/N in a terminal, where anything but yes is no. Scripts say --yes.
 */
import readline from 'node:readline/promises';
import { UsageError } from '../core/errors.js';
import type { CommandIO } from './io.js';

export async function confirm(io: CommandIO, question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: io.input, output: io.out });
  // stdin closing (Ctrl-D) is a no, never a hang
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  try {
    return /^y(es)?$/i.test((await Promise.race([rl.question(`${question} [y/N] `), closed])).trim());
  } finally {
    rl.close();
  }
}

/**
 * Go ahead with something that loses work: said first (`loss`, one line each), then asked in a
 * terminal unless `yes`. Without a terminal and without `yes`, refuse (exit 2) with the flag to
 * pass, unless `proceedWithoutTerminal` (a request explicit enough on its own, like --fresh).
 */
export async function goAhead(io: CommandIO, o: { loss: string[]; question: string; yes?: boolean; flag: string; proceedWithoutTerminal?: boolean }): Promise<boolean> {
  for (const l of o.loss) io.out.write(`${l}\n`);
  if (o.yes) return true;
  if (io.tty) return confirm(io, o.question);
  if (o.proceedWithoutTerminal) return true;
  throw new UsageError(`${o.question.replace(/\?$/, '')}: not asked, since this is not a terminal.`, 2, `Add ${o.flag} to go ahead from a script.`);
}
