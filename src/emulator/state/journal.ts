/**
 * One state file kept as a snapshot plus a journal of the changes since (journal-records.ts), so a
 * write costs what it changed, not the size of the account:
 *
 *   <file>               the snapshot: { format: 2, generation: g, accounts: { … } }, written atomically
 *   <file>.journal.<g>   the changes made since snapshot g, one record per write, appended
 *
 * Recovery reads the snapshot, then replays the journals of generation g and later in order (a
 * compaction that died before its rename leaves g's journal and the next one). Compaction writes
 * a new snapshot of generation g+1 (temporary file, fsync, rename, fsync of the folder: the
 * rename is the moment it takes effect), then removes the journals it covers. Older journals
 * found at start are leftovers of a compaction that finished its rename and are removed.
 *
 * Writes go through one queue per file, in order: appends that wait together are written with
 * one write() and one fdatasync() (group commit), and a durable append resolves only once its
 * bytes are on disk. A failed write leaves the journal suspect, so every later append is
 * refused until a compaction has written everything into a new generation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const open = promisify(fs.open);
const writeBuffer = (fd: number, buf: Buffer, offset: number, length: number) =>
  new Promise<number>((resolve, reject) => fs.write(fd, buf, offset, length, null, (e, n) => (e ? reject(e) : resolve(n))));
const fdatasync = promisify(fs.fdatasync);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const rename = promisify(fs.rename);

/**
 * A journal is compacted once it is larger than this and than its snapshot: replaying it at start
 * then costs at most about as much as reading the snapshot. IAM_LABS_JOURNAL_COMPACT_BYTES sets
 * another floor (the durability tests use a small one, so kills land during compactions too).
 */
export const COMPACT_MIN_BYTES = 256 * 1024;

function compactFloor(): number {
  const v = Number(process.env.IAM_LABS_JOURNAL_COMPACT_BYTES);
  return Number.isInteger(v) && v > 0 ? v : COMPACT_MIN_BYTES;
}

interface Deferred {
  resolve(): void;
  reject(e: unknown): void;
}

type Op = { kind: 'append'; data: string; durable: boolean; done: Deferred } | { kind: 'compact'; text: string; generation: number; done: Deferred };

/** Write all of `data` (a write may take fewer bytes than asked). */
async function write(fd: number, data: string): Promise<void> {
  const buf = Buffer.from(data, 'utf8');
  for (let off = 0; off < buf.length; ) off += await writeBuffer(fd, buf, off, buf.length - off);
}

function deferred(): { promise: Promise<void>; done: Deferred } {
  let done!: Deferred;
  const promise = new Promise<void>((resolve, reject) => (done = { resolve, reject }));
  return { promise, done };
}

/** `<file>.journal.<generation>` */
export const journalName = (file: string, generation: number): string => `${file}.journal.${generation}`;

/** The journals next to `file`, by generation, oldest first. */
export function journalsOf(file: string): Array<{ generation: number; path: string }> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.journal.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => ({ generation: Number(n.slice(prefix.length)), path: path.join(dir, n) }))
    .sort((a, b) => a.generation - b.generation);
}

function fsyncDirSync(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not every platform can fsync a folder; the rename itself is still atomic */
  }
}

export class JournalFile {
  /** the snapshot's generation; appends go to journalName(file, generation) */
  generation = 0;
  journalBytes = 0;
  snapshotBytes = 0;
  /** appends, fsyncs and compactions so far (for tests and the benchmark) */
  readonly stats = { appends: 0, fsyncs: 0, compactions: 0 };
  private fd: number | undefined;
  private unsynced = false;
  private broken: unknown;
  private planned = 0;
  private readonly queue: Op[] = [];
  private running = false;
  private readonly floor = compactFloor();

  constructor(readonly file: string) {}

  /** Set by the loader: where the journal stands after recovery. */
  recovered(generation: number, journalBytes: number, snapshotBytes: number): void {
    this.generation = this.planned = generation;
    this.journalBytes = journalBytes;
    this.snapshotBytes = snapshotBytes;
  }

  /**
   * Past its size limit, refusing appends after a failed write, or no snapshot yet: the next write
   * should be a compaction. The first write makes the snapshot, so the state file exists as soon
   * as the state holds anything (the runner looks for it to know a lab's work is kept).
   */
  get wantsCompaction(): boolean {
    return this.broken !== undefined || this.snapshotBytes === 0 || this.journalBytes > Math.max(this.floor, this.snapshotBytes);
  }

  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  /** Append a record; with `durable`, resolve only once it (and everything before it) is on disk. */
  append(data: string, durable: boolean): Promise<void> {
    const { promise, done } = deferred();
    this.queue.push({ kind: 'append', data, durable, done });
    void this.pump();
    return promise;
  }

  /** Everything appended so far, on disk. */
  sync(): Promise<void> {
    return this.append('', true);
  }

  /** Replace snapshot and journal with `snapshot(generation)`'s text; the generation to put in it. */
  compact(text: (generation: number) => string): Promise<void> {
    const generation = ++this.planned;
    const { promise, done } = deferred();
    this.queue.push({ kind: 'compact', text: text(generation), generation, done });
    void this.pump();
    return promise;
  }

  /**
   * The same, synchronously, for start-up (after recovering from a corrupt journal) and when
   * nothing is queued. Throws when writes are in flight.
   */
  compactSync(text: (generation: number) => string): void {
    if (!this.idle) throw new Error('compactSync with writes in flight');
    const generation = ++this.planned;
    this.writeSnapshotSync(text(generation), generation);
  }

  /** Wait for every queued write, then close the journal. */
  async close(): Promise<void> {
    while (!this.idle) await this.sync().catch(() => {});
    if (this.fd !== undefined) await close(this.fd).catch(() => {});
    this.fd = undefined;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const head = this.queue[0];
        if (head.kind === 'compact') {
          this.queue.shift();
          await this.compactNow(head.text, head.generation).then(head.done.resolve, head.done.reject);
          continue;
        }
        let n = 0;
        while (n < this.queue.length && this.queue[n].kind === 'append') n++;
        const batch = this.queue.splice(0, n) as Array<Extract<Op, { kind: 'append' }>>;
        try {
          await this.appendNow(
            batch.map((o) => o.data).join(''),
            batch.some((o) => o.durable),
          );
          for (const o of batch) o.done.resolve();
        } catch (e) {
          this.broken ??= e;
          for (const o of batch) o.done.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async appendNow(data: string, durable: boolean): Promise<void> {
    if (this.broken !== undefined) throw this.broken;
    if (data) {
      if (this.fd === undefined) {
        const name = journalName(this.file, this.generation);
        const created = !fs.existsSync(name);
        this.fd = await open(name, 'a', 0o600);
        // a new file's name must survive a power cut as well as its bytes
        if (created) fsyncDirSync(path.dirname(this.file));
      }
      const bytes = Buffer.byteLength(data);
      await write(this.fd, data);
      this.journalBytes += bytes;
      this.unsynced = true;
      this.stats.appends++;
    }
    if (durable && this.unsynced && this.fd !== undefined) {
      await fdatasync(this.fd);
      this.unsynced = false;
      this.stats.fsyncs++;
    }
  }

  private async compactNow(text: string, generation: number): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = await open(tmp, 'w', 0o600);
    try {
      await write(fd, text);
      await fsync(fd);
    } finally {
      await close(fd);
    }
    await rename(tmp, this.file);
    this.afterSnapshot(text, generation);
  }

  private writeSnapshotSync(text: string, generation: number): void {
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    this.afterSnapshot(text, generation);
  }

  /** The new snapshot is in place: the journals it covers go, appends start a new one. */
  private afterSnapshot(text: string, generation: number): void {
    fsyncDirSync(path.dirname(this.file));
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    for (const j of journalsOf(this.file)) if (j.generation < generation) fs.rmSync(j.path, { force: true });
    this.generation = generation;
    this.journalBytes = 0;
    this.snapshotBytes = Buffer.byteLength(text);
    this.unsynced = false;
    this.broken = undefined;
    this.stats.compactions++;
  }
}
