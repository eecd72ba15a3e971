/** Who else cares when an instance stops existing (the metadata service closes its listener). */
import type { Emulator } from '../types.js';

type TerminatedListener = (emulator: Emulator, accountId: string, instanceId: string) => void;
const terminated: TerminatedListener[] = [];

export function onInstanceTerminated(listener: TerminatedListener): void {
  terminated.push(listener);
}

export function instanceTerminated(emulator: Emulator, accountId: string, instanceId: string): void {
  for (const l of terminated) l(emulator, accountId, instanceId);
}
