/**
 * What the workload services hold outside the state (running functions, unpacked packages,
 * metadata listeners), released when an emulator closes. Each service's code registers its own
 * release when it loads (on its first request), so closing never loads code that never ran.
 */
import type { Emulator } from './types.js';

type Release = (emulator: Emulator) => void | Promise<void>;
const releases: Release[] = [];

export function onEmulatorClose(release: Release): void {
  releases.push(release);
}

export async function releaseWorkloads(emulator: Emulator): Promise<void> {
  for (const release of releases) await release(emulator);
}
