/**
 * The emulator's state files on top of core/json-file.ts (the one atomic JSON file module): the
 * format version and what a learner is told when a state file cannot be read. The file is kept
 * aside, never overwritten; the emulator then starts without it.
 */
import { CorruptFileError } from '../../core/errors.js';
import { readJsonFile, type UnreadableFile } from '../../core/json-file.js';
import { parseStateJson } from './records.js';

export { removeStaleTempFiles, writeFileAtomic } from '../../core/json-file.js';

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
 * file aside) when it exists but is unreadable or, per `validate`, not the shape it should be
 * (`validate` may return the reason instead of false). Its objects have no prototype
 * (records.ts), so names such as `__proto__` read back as stored.
 */
export function readJsonState<T>(file: string, validate: ((v: unknown) => v is T) | ((v: unknown) => true | string)): T | undefined {
  return readJsonFile<T>(file, validate, (u: UnreadableFile) => new CorruptStateError(u.file, u.keptAs, u.reason), parseStateJson);
}
