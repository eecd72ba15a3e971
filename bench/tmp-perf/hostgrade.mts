import { startEmulator } from '../../src/emulator/index.js';
import { startGradingHost } from '../../src/backends/grading-host.js';
import http from 'node:http';
import fs from 'node:fs';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const home = '/tmp/perf/home3'; fs.mkdirSync(home, { recursive: true });
const running = await startEmulator({ host: '127.0.0.1', port: 0 });
const host = await startGradingHost({ socketPath: home + '/grading.sock', endpoint: running.endpoint });
const session = { backend: 'embedded', endpoint: running.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, accountId: '000000000000', region: 'us-east-1', capabilities: { enforcesIam: true, recordsAccessKeyLastUsed: true, recordsRoleLastUsed: true, bucketPolicies: true }, pid: process.pid, reason: '', format: 1, startedAt: '', lab: process.argv[2] ?? '01-users' };
const body = JSON.stringify({ home, courseDir: '/work/main/labs', session, passedBefore: [], facts: {} });
const once = () => new Promise<string>((r) => { const q = http.request({ socketPath: home + '/grading.sock', path: '/grade', method: 'POST' }, (res) => { let d = ''; res.on('data', (c) => (d += c)); res.on('end', () => r(d)); }); q.end(body); });
const first = await once();
if (!JSON.parse(first).ok) console.log(first.slice(0, 300));
const n = Number(process.argv[3] ?? 20); const times: number[] = [];
for (let i = 0; i < n; i++) { const t0 = performance.now(); await once(); times.push(performance.now() - t0); }
times.sort((a, b) => a - b); console.log('median host grade ms', times[n >> 1].toFixed(1), 'min', times[0].toFixed(1));
host.close(); await running.close();
