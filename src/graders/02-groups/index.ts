/** Lab 02 — Groups. */
import { defineLab } from '../types.js';
import { moveToGroup, offboardMember } from './changes.js';
import { setupLab02, teardownLab02 } from './setup.js';
import { addMembers, attachGroupPolicy, createGroup } from './team.js';

export const lab02 = defineLab({ id: '02-groups', setup: setupLab02, teardown: teardownLab02, steps: [createGroup, attachGroupPolicy, addMembers, moveToGroup, offboardMember] });
