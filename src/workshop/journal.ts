/**
 * An append-only file of JSON lines with group commit. `append` resolves only once its line is
 * on disk (written and fsync'ed), so whatever the server acknowledges after it survives kill -9
 * and power loss. Appends that arrive while one write+fsync is in flight wait and go together
 * in the next, so a burst of reports costs one fsync, not one each; the event loop never waits
 * for the disk.
 *
 * Reading tolerates the one damage an append-only file gets from a crash, a last line cut short
 * (it was never acknowledged: it is dropped); any other unreadable line is reported, and the
 * file is kept aside and rewritten with the lines that could be read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { keepAside, writeFileAtomic } from '../core/json-file.js';

export interface JournalRead<T> {
  records: T[];
  /** 1-based numbers of lines that could not be read (not counting a cut-short last line) */
  badLines: number[];
  /** where the damaged file was kept, when there were bad lines */
  keptAs?: string;
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Journal<T> {
  private fd: number;
  private queue: Pending[] = [];
  /** the batch being written and fsync'ed, if any */
  private inFlight: Promise<void> | undefined;
  private paused = false;
  private closed = false;
  /** bytes in the file */
  size: number;

  private constructor(readonly file: string) {
    const existed = fs.existsSync(file);
    this.fd = fs.openSync(file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
    if (!existed) syncDir(path.dirname(file));
  }

  /** Read the file's records (validated by `isRecord`), then open it for appending. */
  static open<T>(file: string, isRecord: (v: unknown) => v is T): { journal: Journal<T> } & JournalRead<T> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const read = readJournal(file, isRecord);
    return { journal: new Journal<T>(file), ...read };
  }

  /** Append one record; resolves once it is durable. */
  append(record: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.file} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.inFlight && !this.paused) this.writeBatch();
    });
  }

  /** Resolves when everything appended so far is durable. */
  async settled(): Promise<void> {
    while (this.inFlight || this.queue.length) {
      if (!this.inFlight) this.writeBatch();
      await this.inFlight;
    }
  }

  private writeBatch(): void {
    const batch = this.queue;
    if (!batch.length || this.paused) return;
    this.queue = [];
    const data = Buffer.from(batch.map((p) => p.line).join(''));
    this.inFlight = new Promise<void>((done) => {
      const finish = (err: Error | null) => {
        for (const p of batch) {
          if (err) p.reject(err);
          else p.resolve();
        }
        this.inFlight = undefined;
        done();
        this.writeBatch();
      };
      writeAll(this.fd, data, (err) => {
        if (err) return finish(err);
        this.size += data.length;
        fs.fdatasync(this.fd, finish);
      });
    });
  }

  /**
   * Compaction: `writeSnapshot` (synchronous) makes a durable snapshot of everything appended
   * so far; then the file is emptied. Appends waiting for the disk are durable in the snapshot
   * and are acknowledged at once; appends made during the call go to the emptied file.
   */
  async compact(writeSnapshot: () => void): Promise<void> {
    writeSnapshot();
    const covered = this.queue;
    this.queue = [];
    for (const p of covered) p.resolve();
    this.paused = true;
    try {
      await this.inFlight;
      fs.ftruncateSync(this.fd, 0);
      fs.fsyncSync(this.fd);
      this.size = 0;
    } finally {
      this.paused = false;
      if (!this.inFlight) this.writeBatch();
    }
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

function writeAll(fd: number, data: Buffer, done: (err: Error | null) => void, offset = 0): void {
  fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
    if (err) return done(err);
    if (offset + written < data.length) return writeAll(fd, data, done, offset + written);
    done(null);
  });
}

/** fsync a directory, so a file just created in it survives a power loss (best effort). */
function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some filesystems refuse fsync on a directory */
  }
}

export function readJournal<T>(file: string, isRecord: (v: unknown) => v is T): JournalRead<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], badLines: [] };
    throw e;
  }
  const lines = text.split('\n');
  // A last line without its newline is a write a crash cut short: it was never acknowledged.
  const cutShort = lines.pop() !== '';
  const records: T[] = [];
  const badLines: number[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) records.push(v);
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  if (!badLines.length && !cutShort) return { records, badLines };
  if (!badLines.length) {
    // Drop the cut-short tail so the next append starts on a line of its own.
    writeFileAtomic(file, lines.map((l) => `${l}\n`).join(''));
    return { records, badLines };
  }
  const keptAs = keepAside(file);
  writeFileAtomic(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return { records, badLines, keptAs };
}
