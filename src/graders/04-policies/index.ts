/** Lab 04 — Policies. */
import { defineLab } from '../types.js';
import { setupLab04, teardownLab04 } from './setup.js';
import { lab04Steps } from './steps.js';

export const lab04 = defineLab({ id: '04-policies', setup: setupLab04, teardown: teardownLab04, steps: lab04Steps });
