/** Child process for the workshop load benchmark: a workshop server on a free loopback port. */
import { startWorkshop } from '../src/workshop/server.js';

const stateDir = process.argv[2];
const ws = await startWorkshop({ host: '127.0.0.1', port: 0, stateDir });
process.stdout.write(`${JSON.stringify({ endpoint: ws.endpoint, code: ws.store.data.code, token: ws.store.data.instructorToken })}\n`);
process.on('SIGTERM', () => void ws.close().then(() => process.exit(0)));
