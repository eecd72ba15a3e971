/**
 * What a lab can and cannot do on a shared workshop server, said once for the instructor
 * (`workshop serve`) and for the learner (`start` on a workshop backend). A shared server runs no
 * function code (it would run every learner's code on the instructor's machine), so the step
 * whose function is invoked cannot be done in full there; everything else in lab 06, instance
 * shells included, works as on the learner's own machine.
 */
import type { Capabilities } from '../core/aws-types.js';

/** The step whose function must run: its "an invoke wrote report.csv" needs function code run. */
const INVOKE_STEP = 'workloads/lambda-trust';

interface LabSteps {
  id: string;
  steps: Array<{ id: string }>;
}

const labNumber = (lab: LabSteps) => lab.id.split('-')[0];

/** For the learner, after `start` on a backend that runs no function code. */
export function learnerNote(lab: LabSteps, capabilities: Capabilities): string | undefined {
  if (capabilities.lambdaInvoke || !lab.steps.some((s) => s.id === INVOKE_STEP)) return undefined;
  const n = labNumber(lab);
  return [
    `On the workshop server, lab ${n} runs in your account there: instances, \`iam-labs instance-shell\` and Lambda functions work,`,
    `but the server runs no function code. In step ${INVOKE_STEP}, \`aws lambda invoke\` is refused, and the check cannot`,
    `see the report the function writes (the step passes on its other checks). To run the function yourself, do lab ${n} on`,
    `your own machine: join again with --report-only (\`iam-labs workshop join <url> --name <same name> --code <code>`,
    `--report-only\`: your labs run here, your progress still goes to the class dashboard), then iam-labs start ${n}.`,
  ].join('\n');
}

/** For the instructor, when a shared server offers a lab with that step. */
export function instructorNote(labs: LabSteps[]): string | undefined {
  const lab = labs.find((l) => l.steps.some((s) => s.id === INVOKE_STEP));
  if (!lab) return undefined;
  const n = labNumber(lab);
  return [
    `lab ${n} here: instances and instance shells work (learners reach their instances' metadata service`,
    `through this server). Function code never runs on a shared server: in ${INVOKE_STEP}, \`aws lambda invoke\``,
    `is refused and "an invoke wrote report.csv" is not verifiable (the step passes on its other checks).`,
    `Learners who should run the function join with --report-only (their labs run on their machines),`,
    `or serve the class with --report-only.`,
  ].join('\n');
}
