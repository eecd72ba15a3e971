/**
 * The emulator's state files on top of core/json-file.ts (the one atomic JSON file module): the
 * format version and what a learner is told when a state file cannot be read. The file is kept
 * aside, never overwritten; the emulator then starts without it.
 */
import { CorruptFileError } from '../../core/errors.js';
import { readJsonFile, type UnreadableFile } from '../../core/json-file.js';

export { writeFileAtomic } from '../../core/json-file.js';

export const STATE_FORMAT = 1;

export class CorruptStateError extends CorruptFileError {
  constructor(
    readonly file: string,
    readonly keptAs: string,
    reason: string,
  ) {
    super(
      `The state file ${file} could not be read (${reason}). It was kept as ${keptAs}; ` +
        `the emulator starts from an empty account. Restore that file to recover the old state.`,
    );
  }
}

/**
 * Read a state file. Undefined when it does not exist; CorruptStateError (after keeping the
 * file aside) when it exists but is unreadable.
 */
export function readJsonState<T>(file: string, validate: (v: unknown) => v is T): T | undefined {
  return readJsonFile(file, validate, (u: UnreadableFile) => new CorruptStateError(u.file, u.keptAs, u.reason));
}
