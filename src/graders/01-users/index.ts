/** Lab 01 — Users and access keys. */
import { defineLab } from '../types.js';
import { attachManagedPolicy, createUser } from './identity.js';
import { accessKey, rotateKey } from './keys.js';
import { consolePassword, deleteUser } from './offboarding.js';
import { setupLab01, teardownLab01 } from './setup.js';

export const lab01 = defineLab({
  id: '01-users',
  setup: setupLab01,
  teardown: teardownLab01,
  steps: [createUser, attachManagedPolicy, accessKey, consolePassword, rotateKey, deleteUser],
});
