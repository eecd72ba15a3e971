/**
 * What every command gets injected: environment, output streams, whether this is an interactive
 * terminal and whether color is allowed (--plain and NO_COLOR turn it off). Tests pass their own.
 */
import pc from 'picocolors';
import type { Env } from '../core/paths.js';
import { stateHome } from '../core/paths.js';
import { asTyped } from './invocation.js';

type Colors = ReturnType<typeof pc.createColors>;

export interface CommandIO {
  env: Env;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  input: NodeJS.ReadableStream;
  /** stdin and stdout are a terminal */
  tty: boolean;
  /** linear text for screen readers: no alternate screen, no color, numbered choices */
  plain: boolean;
  c: Colors;
  home: string;
}

export function defaultIO(opts: { plain?: boolean; env?: Env } = {}): CommandIO {
  const env = opts.env ?? process.env;
  const tty = !!process.stdout.isTTY && !!process.stdin.isTTY;
  const plain = !!opts.plain;
  const color = !plain && !env.NO_COLOR && !!process.stdout.isTTY && env.TERM !== 'dumb';
  return {
    env,
    out: process.stdout,
    err: process.stderr,
    input: process.stdin,
    tty,
    plain,
    // --plain is the learner's explicit word: it wins over FORCE_COLOR (set by tools for everything they run)
    c: pc.createColors(!plain && (color || !!env.FORCE_COLOR)),
    home: stateHome(env),
  };
}

export function writeln(io: CommandIO, text = ''): void {
  io.out.write(`${asTyped(text, io.env)}\n`);
}
