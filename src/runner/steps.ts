/** A step as the learner names it: its id (users/create-user), its name (create-user) or its number in the lab (3). */
import type { Lab, Step } from '../core/course.js';
import { UsageError } from '../core/errors.js';

export function findStep(lab: Lab, arg: string): { step: Step; index: number } | undefined {
  const index = /^\d+$/.test(arg) ? Number(arg) - 1 : lab.steps.findIndex((s) => s.id === arg || s.id.endsWith(`/${arg}`));
  const step = lab.steps[index];
  return step ? { step, index } : undefined;
}

export function requireStep(lab: Lab, arg: string): { step: Step; index: number } {
  const found = findStep(lab, arg);
  if (found) return found;
  throw new UsageError(
    `lab ${lab.id} has no step '${arg}'.`,
    2,
    `Name it by number (1–${lab.steps.length}) or id: ${lab.steps.map((s) => s.id).join(', ')}.`,
  );
}
