/**
 * `iam-labs dev check [lab]`: proves the course is gradable. For every step, on a private
 * backend: fresh seed → solve the earlier steps → the check must FAIL → solve → it must PASS;
 * then for each scripted mistake: fresh seed → earlier steps → the mistake → the step must fail
 * (with the feedback the mistake names). Conditions a backend cannot verify are listed, never
 * silently skipped.
 */
import { startEmulator } from '../../emulator/index.js';
import { isolateSdkEnvironment } from '../../backends/clients.js';
import { startMoto } from '../../backends/moto.js';
import type { BackendInfo } from '../../backends/types.js';
import { EMBEDDED_CAPABILITIES } from '../../backends/embedded.js';
import { REGION, ROOT_CREDENTIALS } from '../../backends/types.js';
import type { LabGrader, StepGrader } from '../../graders/types.js';
import type { Lab } from '../course.js';
import { resolveLab } from '../course.js';
import { UsageError } from '../errors.js';
import { checkStep, type StepResult } from '../grading.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { createLabContext, FactMap, MemoryProfiles } from '../lab-context.js';
import { feedbackText, SYM } from '../output.js';
import { statePaths } from '../paths.js';
import { graderFor, openCourseWithGraders } from '../runtime.js';

export interface DevCheckOptions {
  backend?: string;
  json?: boolean;
  plain?: boolean;
}

export type DevOutcome = 'ok' | 'problem' | 'unverifiable';

export interface DevFinding {
  lab: string;
  step: string;
  check: string;
  outcome: DevOutcome;
  detail?: string;
}

interface PrivateBackend {
  info: BackendInfo;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function privateBackend(name: string, io: CommandIO): Promise<PrivateBackend> {
  if (name === 'embedded') {
    const running = await startEmulator({ host: '127.0.0.1', port: 0 });
    return {
      info: { backend: 'embedded', endpoint: running.endpoint, credentials: ROOT_CREDENTIALS, accountId: running.emulator.state.defaultAccountId, region: REGION, capabilities: EMBEDDED_CAPABILITIES, reason: 'dev check' },
      reset: async () => running.emulator.state.reset(),
      stop: () => running.close(),
    };
  }
  if (name === 'moto') {
    const h = await startMoto({ home: statePaths(io.home).home, detach: false, env: io.env, log: () => {} });
    return { info: h.info, reset: () => h.reset(), stop: () => h.stop() };
  }
  throw new UsageError(`dev check runs on a private embedded or moto backend, not '${name}'.`);
}

export async function devCheckLab(lab: Lab, grader: LabGrader, backend: PrivateBackend, report: (f: DevFinding) => void): Promise<void> {
  const stepGrader = (id: string): StepGrader => grader.steps.find((s) => s.id === id)!;

  /** fresh seed, then the reference solutions of the steps before `index` (their onPass too) */
  async function prepared(index: number) {
    await backend.reset();
    const made = createLabContext(backend.info, new FactMap(), new MemoryProfiles());
    await grader.setup(made.ctx);
    for (const earlier of lab.steps.slice(0, index)) {
      const g = stepGrader(earlier.id);
      await g.solve(made.ctx);
      const r = await checkStep(g, earlier.title, made.ctx);
      if (!r.passed) throw new Error(`the reference solution of the earlier step ${earlier.id} does not pass: ${feedbackText(r).split('\n')[0]}`);
      await g.onPass?.(made.ctx);
    }
    return made;
  }

  const expectFail = (step: string, check: string, r: StepResult, expectFeedback?: RegExp): DevFinding => {
    const unverifiable = r.conditions.filter((c) => c.status === 'unverifiable');
    if (r.passed) {
      if (unverifiable.length) {
        return { lab: lab.id, step, check, outcome: 'unverifiable', detail: `passes here because ${unverifiable.map((c) => `“${c.name}”`).join(', ')} cannot be verified on this backend: ${unverifiable[0].why ?? unverifiable[0].found}` };
      }
      return { lab: lab.id, step, check, outcome: 'problem', detail: 'the check PASSES but must fail' };
    }
    const text = feedbackText(r);
    if (expectFeedback && !expectFeedback.test(text)) {
      return { lab: lab.id, step, check, outcome: 'problem', detail: `fails, but the feedback does not match ${expectFeedback}: ${text.replace(/\n/g, ' | ')}` };
    }
    if (r.conditions.some((c) => c.status === 'failed' && !c.why && !c.expected)) {
      return { lab: lab.id, step, check, outcome: 'problem', detail: 'a failed condition says neither what was expected nor why' };
    }
    return { lab: lab.id, step, check, outcome: 'ok' };
  };

  for (const [i, step] of lab.steps.entries()) {
    const g = stepGrader(step.id);
    const run = async (check: string, body: () => Promise<DevFinding>) => {
      try {
        report(await body());
      } catch (e) {
        report({ lab: lab.id, step: step.id, check, outcome: 'problem', detail: `threw: ${(e as Error).message}` });
      }
    };
    await run('unsolved fails, solution passes', async () => {
      const made = await prepared(i);
      try {
        const before = await checkStep(g, step.title, made.ctx);
        const f = expectFail(step.id, 'unsolved fails', before);
        if (f.outcome !== 'ok') return f;
        await g.solve(made.ctx);
        const after = await checkStep(g, step.title, made.ctx);
        if (!after.passed) return { lab: lab.id, step: step.id, check: 'solution passes', outcome: 'problem', detail: `the reference solution fails: ${feedbackText(after).replace(/\n/g, ' | ')}` };
        const unverifiable = after.conditions.filter((c) => c.status === 'unverifiable');
        if (unverifiable.length) {
          return { lab: lab.id, step: step.id, check: 'unsolved fails, solution passes', outcome: 'unverifiable', detail: `passes, but not verifiable here: ${unverifiable.map((c) => `${c.name} (${c.why ?? c.found})`).join('; ')}` };
        }
        return { lab: lab.id, step: step.id, check: 'unsolved fails, solution passes', outcome: 'ok' };
      } finally {
        made.destroy();
      }
    });
    for (const m of g.mistakes ?? []) {
      await run(`mistake: ${m.name}`, async () => {
        const made = await prepared(i);
        try {
          await m.apply(made.ctx);
          return expectFail(step.id, `mistake: ${m.name}`, await checkStep(g, step.title, made.ctx), m.expectFeedback);
        } finally {
          made.destroy();
        }
      });
    }
  }
}

export async function devCheckCommand(labArg: string | undefined, opts: DevCheckOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const { course, graders } = await openCourseWithGraders(io);
  const labs = labArg ? [resolveLab(course, labArg)] : course.labs;
  isolateSdkEnvironment(statePaths(io.home).sdkConfig);
  const backend = await privateBackend(opts.backend ?? 'embedded', io);
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
