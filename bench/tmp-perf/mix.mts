import { startMoto } from '../../tests/helpers/moto.js';
import { startEmulatorCli } from '../lib/cli-timing.js';
import { compareIamMix } from '../lib/iam-mix.js';
const moto = await startMoto();
const emu = await startEmulatorCli();
try {
  const a = await compareIamMix(emu.endpoint, moto.endpoint, 3, 10, { emulator: emu.pid, moto: moto.process.pid });
  console.log(JSON.stringify(a));
} finally { await emu.stop(); await moto.stop(); }
