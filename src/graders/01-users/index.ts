/** Lab 01 — Users and access keys. */
import { defineLab } from '../types.js';
import { setupLab01, teardownLab01 } from './setup.js';
import { lab01Steps } from './steps.js';

export const lab01 = defineLab({ id: '01-users', setup: setupLab01, teardown: teardownLab01, steps: lab01Steps });
