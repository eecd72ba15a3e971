/**
 * `iam-labs dev check [lab]`: proves the course is gradable on a private backend (dev-check.ts):
 * every step starts unsolved and its solution passes, and every scripted mistake fails with the
 * feedback it names. Conditions a backend cannot verify are listed, never silently skipped.
 */
import { resolveLab } from '../../core/course.js';
import { statePaths } from '../../core/paths.js';
import { isolateSdkEnvironment } from '../../core/sdk-env.js';
import { devCheckLab, startPrivateBackend, type DevFinding } from '../dev-check.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { SYM } from '../output.js';
import { graderFor, openCourseWithGraders } from '../runtime.js';

export interface DevCheckOptions {
  backend?: string;
  json?: boolean;
  plain?: boolean;
}

export async function devCheckCommand(labArg: string | undefined, opts: DevCheckOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const { course, graders } = await openCourseWithGraders(io);
  const labs = labArg ? [resolveLab(course, labArg)] : course.labs;
  isolateSdkEnvironment(statePaths(io.home).sdkConfig);
  const backend = await startPrivateBackend(opts.backend ?? 'embedded', io);
  const findings: DevFinding[] = [];
  try {
    for (const lab of labs) {
      const grader = graderFor(lab, graders);
      if (!opts.json) writeln(io, io.c.bold(`${lab.id} on ${backend.info.backend}`));
      await devCheckLab(lab, grader, backend, (f) => {
        findings.push(f);
        if (opts.json) return;
        const mark = f.outcome === 'ok' ? io.c.green(`${SYM.pass} ok  `) : f.outcome === 'unverifiable' ? io.c.yellow(`${SYM.unknown} n/v `) : io.c.red(`${SYM.fail} FAIL`);
        writeln(io, `  ${mark} ${f.step}: ${f.check}${f.detail ? `\n         ${f.detail}` : ''}`);
      });
    }
  } finally {
    await backend.stop();
  }
  const problems = findings.filter((f) => f.outcome === 'problem').length;
  const unverifiable = findings.filter((f) => f.outcome === 'unverifiable').length;
  if (opts.json) writeln(io, JSON.stringify({ backend: backend.info.backend, passed: problems === 0, findings }, null, 2));
  else writeln(io, `\n${findings.length - problems - unverifiable} ok, ${problems} problems, ${unverifiable} not verifiable on ${backend.info.backend}.`);
  return problems ? 1 : 0;
}
