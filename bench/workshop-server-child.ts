/** Child process for the workshop load benchmark: a workshop server on a free loopback port. */
import { startWorkshop } from '../src/workshop/server.js';
import { probeLoop } from './workshop-loop-probe.js';

const [stateDir, mode = 'shared', workers = '0'] = process.argv.slice(2);
probeLoop();
const ws = await startWorkshop({
  host: '127.0.0.1',
  port: 0,
  stateDir,
  reportOnly: mode === 'report-only',
  ...(Number(workers) > 0 ? { workers: Number(workers) } : {}),
  // The benchmark joins its whole class at once; the join throttle is for bots.
  throttles: { joins: { each: { burst: 1e6, ratePerSecond: 1e6 }, everyone: { burst: 1e6, ratePerSecond: 1e6 } }, reports: { burst: 1e6, ratePerSecond: 1e6 } },
  maxLearners: 100_000,
});
process.stdout.write(`${JSON.stringify({ endpoint: ws.endpoint, code: ws.store.identity.code, token: ws.store.identity.instructorToken, workerPids: ws.workers?.stats().map((w) => w.pid) ?? [] })}\n`);
process.on('SIGTERM', () => void ws.close().then(() => process.exit(0)));
