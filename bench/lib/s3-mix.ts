/** (e) S3 throughput on the same small-object workload: embedded emulator vs moto_server. */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cpuMs } from './proc.js';
import { median, msSince, round } from './stats.js';

export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

const BODY = Buffer.alloc(1024, 'x');

/** One round: put, get (body read) and delete `objects` 1 KiB objects, plus a listing. */
export async function s3Round(client: S3Client, bucket: string, tag: string, objects: number) {
  let calls = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < objects; i++) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${tag}/obj-${i}.txt`, Body: BODY }));
    calls++;
  }
  for (let i = 0; i < objects; i++) {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${tag}/obj-${i}.txt` }));
    await out.Body?.transformToByteArray();
    calls++;
  }
  await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${tag}/` }));
  calls++;
  for (let i = 0; i < objects; i++) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${tag}/obj-${i}.txt` }));
    calls++;
  }
  const ms = msSince(t0);
  return { calls, ms, perSecond: (calls / ms) * 1000 };
}

export async function compareS3(emulatorEndpoint: string, motoEndpoint: string, rounds = 5, objects = 50, pids: { emulator?: number; moto?: number } = {}) {
  const emu = s3Client(emulatorEndpoint);
  const moto = s3Client(motoEndpoint);
  const bucket = 'bench-objects';
  await emu.send(new CreateBucketCommand({ Bucket: bucket }));
  await moto.send(new CreateBucketCommand({ Bucket: bucket }));
  // one full round each first, not counted: steady state, as in the IAM mix (iam-mix.ts)
  await s3Round(emu, bucket, 'warm', objects);
  await s3Round(moto, bucket, 'warm', objects);
  const e: number[] = [];
  const m: number[] = [];
  let callsPerRound = 0;
  const eCpu: number[] = [];
  const mCpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const e0 = cpuMs(pids.emulator);
    const a = await s3Round(emu, bucket, `r${r}`, objects);
    const e1 = cpuMs(pids.emulator);
    const m0 = cpuMs(pids.moto);
    const b = await s3Round(moto, bucket, `r${r}`, objects);
    const m1 = cpuMs(pids.moto);
    callsPerRound = a.calls;
    e.push(a.perSecond);
    m.push(b.perSecond);
    if (e0 !== undefined && e1 !== undefined) eCpu.push((e1 - e0) / a.calls);
    if (m0 !== undefined && m1 !== undefined) mCpu.push((m1 - m0) / b.calls);
  }
  emu.destroy();
  moto.destroy();
  const ratios = e.map((x, i) => x / m[i]);
  return {
    rounds,
    callsPerRound,
    objectBytes: BODY.length,
    emulatorPerSecond: e.map((x) => round(x, 0)),
    motoPerSecond: m.map((x) => round(x, 0)),
    ratios: ratios.map((x) => round(x)),
    medianRatio: round(median(ratios)),
    ...(eCpu.length && mCpu.length
      ? {
          emulatorServerCpuMsPerCall: round(median(eCpu), 3),
          motoServerCpuMsPerCall: round(median(mCpu), 3),
          serverCpuRatio: round(median(mCpu) / Math.max(median(eCpu), 0.001)),
        }
      : {}),
  };
}
