/**
 * What the lab shell's `aws` wrapper runs before every call (`node shell-guard.js`): is the lab's
 * backend still the one recorded in <IAM_LABS_HOME>/backend.json, and is the lab (IAM_LABS_LAB)
 * set up on it? Prints the endpoint to use on stdout; otherwise a clear line on stderr and exit
 * 2, so `aws` never talks to whatever else answers on the lab's port (another emulator, after
 * ours stopped). Node builtins only: it runs before every `aws` call.
 */
import fs from 'node:fs';
import path from 'node:path';
import { embeddedPresence, processPresence } from '../backends/presence.js';

interface Recorded {
  backend?: string;
  state?: string;
  endpoint?: string;
  pid?: number;
  instanceId?: string;
  storeId?: string;
}

/** Backends with one account: labs take turns in it. */
const ONE_ACCOUNT = new Set(['moto', 'endpoint', 'workshop']);

function read(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const home = process.env.IAM_LABS_HOME;
  const lab = process.env.IAM_LABS_LAB;
  const n = lab ? lab.slice(0, 2) : '<lab>';
  const fail = (why: string, what: string) => {
    process.stderr.write(`iam-labs: ${why}\n  ${what}\n`);
    return 2;
  };
  if (!home) return fail('this shell does not say which iam-labs state folder it belongs to (IAM_LABS_HOME).', 'Open the lab shell with `iam-labs shell`.');
  const b = read(path.join(home, 'backend.json')) as Recorded | undefined;
  if (!b || !b.endpoint) return fail("the lab's backend is not running (it was stopped).", `Run \`iam-labs start ${n}\` (your work is kept where the backend keeps it); this shell then works again.`);
  if (b.state === 'starting') return fail("the lab's backend is still starting (or its start was interrupted).", `Run \`iam-labs start ${n}\`.`);
  if (lab) {
    const r = read(path.join(home, 'labs', lab, 'lab.json'));
    if (!r || r.seeding || r.storeId !== b.storeId) return fail(`lab ${lab} is not set up on the running backend.`, `Run \`iam-labs start ${n}\`; this shell then works again.`);
    if (ONE_ACCOUNT.has(String(b.backend)) && laterSeeded(home, String(b.storeId), String(r.seededAt ?? ''), lab)) {
      return fail(`the ${b.backend} backend has one account, and another lab has been set up in it since this shell opened.`, `Run \`iam-labs start ${n}\` to set lab ${lab} up there again.`);
    }
  }
  const p = b.backend === 'embedded' ? await embeddedPresence(b as { endpoint: string }) : b.backend === 'moto' ? await processPresence(b as { endpoint: string }, '/moto-api/') : { state: 'same' as const };
  if (p.state === 'gone') return fail(`the lab's backend does not answer: ${p.detail}.`, `Run \`iam-labs start ${n}\` to start it again; this shell then works again.`);
  if (p.state === 'changed') return fail(`the lab's backend has changed: ${p.detail}. Nothing was sent.`, '`iam-labs stop`, then `iam-labs start <lab>`.');
  process.stdout.write(b.endpoint);
  return 0;
}

/** Another lab was seeded on this one-account store after `seededAt`. */
function laterSeeded(home: string, storeId: string, seededAt: string, lab: string): boolean {
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.join(home, 'labs'));
  } catch {
    return false;
  }
  return names.some((name) => {
    if (name === lab) return false;
    const r = read(path.join(home, 'labs', name, 'lab.json'));
    return !!r && !r.seeding && r.storeId === storeId && String(r.seededAt ?? '') > seededAt;
  });
}

process.exitCode = await main();
