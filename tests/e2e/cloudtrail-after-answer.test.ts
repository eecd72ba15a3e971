/**
 * A call's CloudTrail event is built after its answer has gone out (off the caller's wait), yet
 * any request handled after that answer finds it, with no turn of the event loop in between:
 * the next request brings the history up to date itself, and so does a reset, whose emptied
 * account must not receive an earlier call's event. The requests are the SDK's own, signed,
 * handed to the gateway one after the other.
 */
import { describe, expect, it } from 'vitest';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { createEmulator, handleRequest, resetEmulator } from '../../src/emulator/index.js';
import { incomingRequest, type SdkHttpRequest } from '../../src/emulator/sdk-handler.js';
import type { IncomingRequest } from '../../src/emulator/types.js';

const config = { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };

/** The signed request a client would send for `command` (the client is stopped before sending it). */
async function signed(client: { send(c: never): Promise<unknown> }, command: unknown): Promise<IncomingRequest> {
  let captured: IncomingRequest | undefined;
  const capture = {
    async handle(req: SdkHttpRequest): Promise<never> {
      captured = await incomingRequest(req);
      throw new Error('captured');
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  (client as unknown as { config: { requestHandler: unknown } }).config.requestHandler = capture;
  await client.send(command as never).catch(() => undefined);
  return captured!;
}

const createAna = () => signed(new IAMClient(config), new CreateUserCommand({ UserName: 'ana' }));
const lookup = () => signed(new CloudTrailClient(config), new LookupEventsCommand({}));
const eventNames = (body: string | Buffer) => [...String(body).matchAll(/"EventName":"(\w+)"/g)].map((m) => m[1]);

describe('CloudTrail events recorded after the answer', () => {
  it('the next request sees the call answered just before it', async () => {
    const emulator = createEmulator();
    const [create, look] = [await createAna(), await lookup()];
    // CloudTrail's module loads on its first request (a turn of the loop): load it first
    await handleRequest(emulator, look);
    expect((await handleRequest(emulator, create)).status).toBe(200);
    const out = await handleRequest(emulator, look);
    expect(out.status).toBe(200);
    expect(eventNames(out.body)).toContain('CreateUser');
  });

  it('a reset right after a call leaves that call out of the emptied account', async () => {
    const emulator = createEmulator();
    const [create, look] = [await createAna(), await lookup()];
    // CloudTrail's module loads on its first request (a turn of the loop): load it first
    await handleRequest(emulator, look);
    expect((await handleRequest(emulator, create)).status).toBe(200);
    await resetEmulator(emulator);
    await new Promise((r) => setImmediate(r));
    expect(eventNames((await handleRequest(emulator, look)).body)).not.toContain('CreateUser');
  });
});
