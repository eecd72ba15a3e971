/** Every lab's grader, keyed by lab id (the folder name under labs/). */
import { lab01 } from './01-users/index.js';
import { lab02 } from './02-groups/index.js';
import { lab03 } from './03-roles/index.js';
import { lab04 } from './04-policies/index.js';
import { lab05 } from './05-hygiene/index.js';
import { lab06 } from './06-workloads/index.js';
import type { LabGrader } from './types.js';

export const labGraders: Record<string, LabGrader> = {
  [lab01.id]: lab01,
  [lab02.id]: lab02,
  [lab03.id]: lab03,
  [lab04.id]: lab04,
  [lab05.id]: lab05,
  [lab06.id]: lab06,
};
