/** Small network helpers for backends: free ports, "is it answering yet?". */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** Whether `port` can be bound on host now (a hint only: someone may take it before us). */
export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One HTTP request with a timeout; resolves with status and body, or rejects. An aborted `signal`
 * ends it at once (its socket too, so a long poll left behind never keeps the process alive).
 */
export function httpRequest(
  url: string,
  opts: { method?: string; timeoutMs?: number; body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', agent: false, headers: opts.headers, signal: opts.signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 2000, () => req.destroy(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 2000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Poll until `url` answers any HTTP status, or throw after timeoutMs. */
export async function waitUntilAnswers(url: string, timeoutMs: number, isDead?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const dead = isDead?.();
    if (dead) throw new Error(dead);
    try {
      await httpRequest(url, { timeoutMs: 1000 });
      return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || h.endsWith('.localhost');
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A detached child whose parent exited may linger as a zombie where init does not reap it
  // (containers): it answers kill(0) but is dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** SIGTERM, wait up to `ms`, then SIGKILL. */
export async function killAndWait(pid: number, ms = 3000, group = false): Promise<void> {
  const target = group ? -pid : pid;
  try {
    process.kill(target, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    /* gone */
  }
}
