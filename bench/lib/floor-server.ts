/**
 * The instant-answer floor: an HTTP server that does no work at all. It answers each IAM action
 * with a response recorded once from the emulator (same status, headers and body, so the SDK
 * parses exactly what it parses from the emulator), straight from memory. The SDK client's time
 * per call against it is what any server costs that client at least (signing, the HTTP round
 * trip on loopback, parsing); the emulator's time divided by it says how close the emulator is.
 * It runs in a worker thread, so it has its own event loop, as the emulator has its own process.
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { IAMClient } from '@aws-sdk/client-iam';
import { createEmulator } from '../../src/emulator/index.js';
import { InProcessHandler, type SdkHttpRequest } from '../../src/emulator/sdk-handler.js';

export interface RecordedResponse {
  action: string;
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Record the responses of one `round(client)` from an in-process emulator, in order. */
export async function recordResponses(client: (handler: unknown) => IAMClient, round: (c: IAMClient) => Promise<unknown>): Promise<RecordedResponse[]> {
  const recorded: RecordedResponse[] = [];
  const live = new InProcessHandler(createEmulator());
  const recorder = {
    async handle(req: SdkHttpRequest) {
      const { response } = await live.handle(req);
      const chunks: Buffer[] = [];
      for await (const c of response.body) chunks.push(Buffer.from(c as Uint8Array));
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(typeof req.body === 'string' ? req.body : '').get('Action') ?? '';
      recorded.push({ action, statusCode: response.statusCode, headers: response.headers, body });
      return { response: { ...response, body: Readable.from([body]) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  const c = client(recorder);
  await round(c);
  c.destroy();
  return recorded;
}

// Plain JavaScript for the worker (no TypeScript loader there): answer by Action, from memory.
const WORKER_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const byAction = new Map(workerData.map((r) => [r.action, r]));
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const r = byAction.get(new URLSearchParams(Buffer.concat(chunks).toString()).get('Action') || '');
    if (!r) { res.writeHead(400); res.end(); return; }
    res.writeHead(r.statusCode, { ...r.headers, 'content-length': r.body.length });
    res.end(r.body);
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

export interface FloorServer {
  endpoint: string;
  stop(): Promise<void>;
}

export function startFloorServer(recorded: RecordedResponse[]): Promise<FloorServer> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: recorded.map((r) => ({ ...r, body: new Uint8Array(r.body) })) });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (port: number) =>
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((r) => {
            worker.once('exit', () => r());
            worker.postMessage('stop');
          }),
      }),
    );
  });
}
