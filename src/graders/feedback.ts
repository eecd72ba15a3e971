/**
 * What makes feedback good enough to ship, as rules `iam-labs dev check` applies to every
 * scripted mistake (and the tests through it): the learner reads which element is wrong and what
 * to do next. Every failed condition must say why and end with a hint that is an action (a
 * command to run, or a sentence that starts with a verb: "Detach…", "Change the Resource of…"),
 * and at least one of them must name the element at fault (in what was found, why, or the hint).
 */
import type { Condition, Mistake } from './types.js';

/** Verbs a hint may start a sentence with: each names something the learner does. */
export const ACTION_VERBS = [
  'add', 'assume', 'attach', 'change', 'check', 'create', 'delete', 'detach', 'enable', 'fix', 'give', 'keep',
  'make', 'move', 'name', 'narrow', 'publish', 'put', 're-attach', 'recreate', 'remove', 'replace', 'run', 'save',
  'set', 'switch', 'take', 'use', 'write', 'deactivate', 'rotate', 'export', 'sign', 'list', 'update',
];

const COMMAND = /(^|[\s`'(])(aws [a-z0-9-]+ [a-z0-9-]+|iam-labs [a-z-]+)/;

/** Whether a hint tells the learner what to do: a command, or a sentence that opens with an action verb. */
export function isActionable(hint: string | undefined): boolean {
  if (!hint?.trim()) return false;
  if (COMMAND.test(hint)) return true;
  // sentences (and clauses after ":" or ";") that start with a verb: "Detach it and attach …"
  return hint
    .split(/(?<=[.:;!?])\s+/)
    .map((s) => s.trim().replace(/^[`"'(]+/, '').split(/[\s,:]/)[0]?.toLowerCase() ?? '')
    .some((w) => ACTION_VERBS.includes(w));
}

/** Whether `text` names `element` as a whole word ("Resource" is not found in "NotResource"). */
export function namesElement(text: string, element: string): boolean {
  const escaped = element.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`).test(text);
}

/** Every way a mistake's feedback falls short (empty: it is good feedback). */
export function feedbackProblems(mistake: Pick<Mistake, 'element'>, conditions: Array<Pick<Condition, 'name' | 'status' | 'found' | 'why' | 'hint'>>): string[] {
  const problems: string[] = [];
  const failed = conditions.filter((c) => c.status === 'failed');
  if (!mistake.element) problems.push('the mistake does not say which element its feedback must name (set `element`)');
  for (const c of failed) {
    if (!c.why?.trim()) problems.push(`“${c.name}” fails without a why`);
    if (!isActionable(c.hint)) problems.push(`“${c.name}” fails without a hint that says what to do${c.hint ? ` (its hint: ${c.hint})` : ''}`);
  }
  // the element may be named where the learner reads it: what was found, why, or the next action
  const names = (c: (typeof failed)[number]) => [c.found, c.why, c.hint].some((t) => t && namesElement(t, mistake.element!));
  if (mistake.element && failed.length && !failed.some(names)) problems.push(`no failed condition names ${mistake.element}`);
  return problems;
}

/** Hint lines printed more than once in one step's feedback (feedbackText): none may be. */
export function repeatedHints(feedback: string): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const line of feedback.split('\n')) {
    const m = /^\s*hint:\s+(.*)$/.exec(line);
    if (!m || m[1] === '(as above)') continue;
    if (seen.has(m[1])) twice.add(m[1]);
    seen.add(m[1]);
  }
  return [...twice];
}
