/**
 * A cheap "is Docker there?" before touching testcontainers (which can hang forever on a socket
 * that accepts but never answers): GET /_ping on each candidate socket with a 1 s timeout.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface DockerProbeAttempt {
  where: string;
  outcome: 'ok' | 'missing' | 'refused' | 'timeout' | 'error';
  detail: string;
}

export interface DockerProbeResult {
  ok: boolean;
  /** the socket or URL that answered */
  where?: string;
  attempts: DockerProbeAttempt[];
}

type Target = { where: string; socketPath?: string; host?: string; port?: number };

export function dockerCandidates(env: Record<string, string | undefined> = process.env): Target[] {
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith('unix://')) return [{ where: host, socketPath: host.slice('unix://'.length) }];
    const m = /^tcp:\/\/([^:/]+)(?::(\d+))?/.exec(host);
    if (m) return [{ where: host, host: m[1], port: Number(m[2] ?? 2375) }];
    return [{ where: host, socketPath: host }];
  }
  return [
    '/var/run/docker.sock',
    path.join(os.homedir(), '.docker', 'run', 'docker.sock'),
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ].map((p) => ({ where: p, socketPath: p }));
}

export function pingDocker(target: Target, timeoutMs = 1000): Promise<DockerProbeAttempt> {
  if (target.socketPath && !fs.existsSync(target.socketPath)) {
    return Promise.resolve({ where: target.where, outcome: 'missing', detail: 'no such socket' });
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: DockerProbeAttempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(a);
    };
    const req = http.request(
      { socketPath: target.socketPath, host: target.host, port: target.port, path: '/_ping', method: 'GET', agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          finish(
            res.statusCode === 200
              ? { where: target.where, outcome: 'ok', detail: `answered ${body.trim() || 'OK'}` }
              : { where: target.where, outcome: 'error', detail: `answered HTTP ${res.statusCode}` },
          ),
        );
        res.on('error', (e) => finish({ where: target.where, outcome: 'error', detail: e.message }));
      },
    );
    const timer = setTimeout(
      () => finish({ where: target.where, outcome: 'timeout', detail: `accepted the connection but did not answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        where: target.where,
        outcome: e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? 'refused' : 'error',
        detail: e.code === 'ECONNREFUSED' ? 'connection refused (no Docker engine listening)' : e.message,
      }),
    );
    req.end();
  });
}

export async function probeDocker(env: Record<string, string | undefined> = process.env, timeoutMs = 1000): Promise<DockerProbeResult> {
  const attempts: DockerProbeAttempt[] = [];
  for (const t of dockerCandidates(env)) {
    const a = await pingDocker(t, timeoutMs);
    attempts.push(a);
    if (a.outcome === 'ok') return { ok: true, where: t.where, attempts };
  }
  return { ok: false, attempts };
}
