/**
 * Messages between the workshop's front process and its workers (child processes, IPC with
 * the structured-clone serialization, so request bodies travel as bytes), and a small
 * request/answer helper on top of them.
 */
import type { IncomingRequest, OutgoingResponse } from '../emulator/types.js';

/** A request another process should serve, with everything but its socket. */
export type WireRequest = IncomingRequest;
export type WireResponse = OutgoingResponse;

export type ToWorker =
  | { t: 'init'; index: number; count: number; accountsDir: string; accounts: Array<[string, string]> }
  /** a client connection (the socket travels as the message's handle) and the bytes already read from it */
  | { t: 'conn'; head: Uint8Array }
  | { t: 'account'; rid: number; id: string; secret: string }
  /** serve this request here: the account is this worker's, or it holds the key */
  | { t: 'aws'; rid: number; req: WireRequest }
  | { t: 'has-key'; rid: number; key: string }
  /** the metadata service of an instance in this worker's account: answer `req`, or (without it) describe the instance */
  | { t: 'imds'; rid: number; accountId: string; instanceId: string; req?: ImdsWireRequest }
  | { t: 'answer'; rid: number; value: unknown; error?: string }
  | { t: 'close'; rid: number };

export type ToFront =
  | { t: 'ready'; problems: string[] }
  /** a request that reached this worker's connection but belongs elsewhere */
  | { t: 'forward'; rid: number; kind: 'workshop' | 'aws'; req: WireRequest; account?: string; key?: string }
  | { t: 'answer'; rid: number; value: unknown; error?: string }
  | { t: 'stats'; accounts: number; requests: number; busy: number };

/** A request to an instance's metadata service: only what the service reads. */
export interface ImdsWireRequest {
  method: string;
  /** the IMDS path and query, as sent (/latest/meta-data/…) */
  path: string;
  headers: Record<string, string>;
}

/** What `forward` of a request for an unknown key answers: serve it as nobody's. */
export const NOBODY = { nobody: true } as const;

/** Structured clone turns a Buffer into a Uint8Array: make it a Buffer again, without copying. */
export const asBuffer = (b: Uint8Array | Buffer | string): Buffer =>
  typeof b === 'string' ? Buffer.from(b) : Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class Rpc {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly send: (message: { rid: number } & Record<string, unknown>) => void,
    private readonly timeoutMs = 60_000,
  ) {}

  call<T>(message: Record<string, unknown>): Promise<T> {
    const rid = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(new Error(`no answer from the other process within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      timer.unref();
      this.waiting.set(rid, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.send({ ...message, rid });
      } catch (e) {
        clearTimeout(timer);
        this.waiting.delete(rid);
        reject(e as Error);
      }
    });
  }

  settle(answer: { rid: number; value: unknown; error?: string }): void {
    const w = this.waiting.get(answer.rid);
    if (!w) return;
    this.waiting.delete(answer.rid);
    clearTimeout(w.timer);
    if (answer.error !== undefined) w.reject(new Error(answer.error));
    else w.resolve(answer.value);
  }

  failAll(error: Error): void {
    for (const [rid, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(error);
      this.waiting.delete(rid);
    }
  }
}
