/**
 * The floor of the workshop load benchmark: a server on a free loopback port that answers every
 * request at once (an empty IAM answer, 204 for a progress report, an idle event stream), so
 * the same load generator measures its own cost and the loopback's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeLoop } from './workshop-loop-probe.js';

probeLoop();

const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/_workshop/api/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return;
  }
  req.resume();
  req.on('end', () => {
    if (req.url?.startsWith('/_workshop/')) return res.writeHead(req.method === 'POST' ? 204 : 200).end(req.method === 'POST' ? undefined : '{}');
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></Response>');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, code: 'FLOOR', token: 'floor' })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
