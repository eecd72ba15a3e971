/**
 * (a) The same IAM call mix through SDK v3 against the embedded emulator (over HTTP) and
 * moto_server, in alternating rounds; throughput per round and the median ratio.
 */
import {
  AttachUserPolicyCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  DeleteUserPolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { Readable } from 'node:stream';
import type { SdkHttpResponse } from '../../src/emulator/sdk-handler.js';
import { recordResponses, startFloorServer } from './floor-server.js';
import { cpuMs } from './proc.js';
import { msSince, median, round } from './stats.js';

const POLICY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const INLINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }],
});

export function iamClient(endpoint: string, requestHandler?: unknown): IAMClient {
  return new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(requestHandler ? { requestHandler: requestHandler as never } : {}),
  });
}

/**
 * What the SDK itself costs per call (signing, serializing, parsing), with no backend at all:
 * record one round's responses from an in-process emulator, then replay them to the same calls.
 * Subtracting it from a backend's time per call leaves the backend's (and the transport's) share.
 */
export async function sdkClientCostMs(users: number, rounds: number): Promise<number> {
  const recorded = await recordResponses((h) => iamClient('http://127.0.0.1:4566', h), (c) => iamRound(c, 'replay', users));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let i = 0;
    const replay = {
      async handle(): Promise<{ response: SdkHttpResponse }> {
        const x = recorded[i++];
        return { response: { statusCode: x.statusCode, headers: x.headers, body: Readable.from([x.body]) } };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    };
    const client = iamClient('http://127.0.0.1:4566', replay);
    const res = await iamRound(client, 'replay', users);
    client.destroy();
    times.push(res.ms / res.calls);
  }
  return median(times);
}

export interface FloorResult {
  rounds: number;
  callsPerRound: number;
  emulatorMsPerCall: number;
  floorMsPerCall: number;
  /** emulator ÷ instant-answer server, time per call through one SDK client (1.0: no cost of its own) */
  ratio: number;
}

/**
 * The emulator against the instant-answer floor (floor-server.ts), in alternating rounds of the
 * same mix through one SDK client each: the ratio of the medians of time per call.
 */
export async function compareWithFloor(emulatorEndpoint: string, rounds = 5, users = 20): Promise<FloorResult> {
  const recorded = await recordResponses((h) => iamClient('http://127.0.0.1:4566', h), (c) => iamRound(c, 'floor', 1));
  const floor = await startFloorServer(recorded);
  const emu = iamClient(emulatorEndpoint);
  const flo = iamClient(floor.endpoint);
  try {
    // one full round each first, not counted (see compareIamMix)
    await iamRound(emu, 'fwarm', users);
    await iamRound(flo, 'fwarm', users);
    const e: number[] = [];
    const f: number[] = [];
    let callsPerRound = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await iamRound(emu, `f${r}`, users);
      const b = await iamRound(flo, `f${r}`, users);
      callsPerRound = a.calls;
      e.push(a.ms / a.calls);
      f.push(b.ms / b.calls);
    }
    return { rounds, callsPerRound, emulatorMsPerCall: round(median(e), 3), floorMsPerCall: round(median(f), 3), ratio: round(median(e) / median(f)) };
  } finally {
    emu.destroy();
    flo.destroy();
    await floor.stop();
  }
}

/** One round: `users` users each go through 11 calls. Returns calls per second. */
export async function iamRound(client: IAMClient, tag: string, users: number): Promise<{ calls: number; ms: number; perSecond: number }> {
  let calls = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < users; i++) {
    const UserName = `bench-${tag}-${i}`;
    // every IAM command is sent the same way; the client's overloads want the concrete type
    const send = async <C extends { input: object }>(cmd: C) => {
      calls++;
      await client.send(cmd as never);
    };
    await send(new CreateUserCommand({ UserName, Path: '/bench/' }));
    await send(new GetUserCommand({ UserName }));
    await send(new TagUserCommand({ UserName, Tags: [{ Key: 'team', Value: 'bench' }] }));
    await send(new AttachUserPolicyCommand({ UserName, PolicyArn: POLICY }));
    await send(new ListAttachedUserPoliciesCommand({ UserName }));
    await send(new PutUserPolicyCommand({ UserName, PolicyName: 'inline', PolicyDocument: INLINE }));
    await send(new GetPolicyCommand({ PolicyArn: POLICY }));
    await send(new ListUsersCommand({ PathPrefix: '/bench/', MaxItems: 20 }));
    await send(new DetachUserPolicyCommand({ UserName, PolicyArn: POLICY }));
    await send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'inline' }));
    await send(new DeleteUserCommand({ UserName }));
  }
  const ms = msSince(t0);
  return { calls, ms, perSecond: (calls / ms) * 1000 };
}

export interface MixResult {
  rounds: number;
  callsPerRound: number;
  emulatorPerSecond: number[];
  motoPerSecond: number[];
  ratios: number[];
  medianRatio: number;
  emulatorMsPerCall: number;
  motoMsPerCall: number;
  sdkClientMsPerCall: number;
  /** (moto − SDK) / (emulator − SDK): the backends compared without the client's own cost */
  backendOnlyRatio: number;
  /** CPU the server processes spent per call over all rounds (from /proc), when their pids are known */
  emulatorServerCpuMsPerCall?: number;
  motoServerCpuMsPerCall?: number;
  serverCpuRatio?: number;
}

/**
 * Alternate emulator and moto rounds, after one full round each that is not counted: the figure
 * is the servers' steady state (the emulator's code is still being compiled by V8 through its
 * first few hundred calls, ~0.2 ms more CPU per call; moto's Python has no such phase).
 */
export async function compareIamMix(
  emulatorEndpoint: string,
  motoEndpoint: string,
  rounds = 5,
  users = 20,
  pids: { emulator?: number; moto?: number } = {},
): Promise<MixResult> {
  const emu = iamClient(emulatorEndpoint);
  const moto = iamClient(motoEndpoint);
  await iamRound(emu, 'warm', users);
  await iamRound(moto, 'warm', users);
  const e: number[] = [];
  const m: number[] = [];
  let callsPerRound = 0;
  // Server CPU over all rounds: /proc counts in 10 ms ticks, so one round of a few hundred calls
  // reads to within ±0.05 ms per call; the sum of every round reads to within a few hundredths.
  const eCpu = { ms: 0, calls: 0 };
  const mCpu = { ms: 0, calls: 0 };
  for (let r = 0; r < rounds; r++) {
    const e0 = cpuMs(pids.emulator);
    const a = await iamRound(emu, `r${r}`, users);
    const e1 = cpuMs(pids.emulator);
    const m0 = cpuMs(pids.moto);
    const b = await iamRound(moto, `r${r}`, users);
    const m1 = cpuMs(pids.moto);
    callsPerRound = a.calls;
    e.push(a.perSecond);
    m.push(b.perSecond);
    if (e0 !== undefined && e1 !== undefined) {
      eCpu.ms += e1 - e0;
      eCpu.calls += a.calls;
    }
    if (m0 !== undefined && m1 !== undefined) {
      mCpu.ms += m1 - m0;
      mCpu.calls += b.calls;
    }
  }
  emu.destroy();
  moto.destroy();
  const ratios = e.map((x, i) => x / m[i]);
  const sdk = await sdkClientCostMs(users, rounds);
  const emuMs = 1000 / median(e);
  const motoMs = 1000 / median(m);
  return {
    rounds,
    callsPerRound,
    emulatorPerSecond: e.map((x) => round(x, 0)),
    motoPerSecond: m.map((x) => round(x, 0)),
    ratios: ratios.map((x) => round(x)),
    medianRatio: round(median(ratios)),
    emulatorMsPerCall: round(emuMs, 3),
    motoMsPerCall: round(motoMs, 3),
    sdkClientMsPerCall: round(sdk, 3),
    backendOnlyRatio: round((motoMs - sdk) / Math.max(emuMs - sdk, 0.001)),
    ...(eCpu.calls && mCpu.calls
      ? {
          emulatorServerCpuMsPerCall: round(eCpu.ms / eCpu.calls, 3),
          motoServerCpuMsPerCall: round(mCpu.ms / mCpu.calls, 3),
          serverCpuRatio: round(mCpu.ms / mCpu.calls / Math.max(eCpu.ms / eCpu.calls, 0.001)),
        }
      : {}),
  };
}
