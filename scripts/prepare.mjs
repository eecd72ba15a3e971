#!/usr/bin/env node
// `npm prepare`: build when the toolchain is installed. In a fresh clone, `npx iam-labs …` links
// the package before anything is installed and runs this; there it must not fail (the bin shim
// then installs and builds on first run).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('node_modules/typescript')) process.exit(0);
const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
