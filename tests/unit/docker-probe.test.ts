import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeDocker } from '../../src/backends/docker-probe.js';
import { noDockerMessage } from '../../src/backends/localstack.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const c of sockets.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function sock(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-docker-')), 'docker.sock');
}

function listen(file: string, onConn: (c: net.Socket) => void): Promise<void> {
  const s = net.createServer((c) => {
    sockets.push(c);
    onConn(c);
  });
  servers.push(s);
  return new Promise((r) => s.listen(file, () => r()));
}

describe('docker probe', () => {
  it('no socket: says so without waiting', async () => {
    const file = sock();
    const t = Date.now();
    const r = await probeDocker({ DOCKER_HOST: `unix://${file}` });
    expect(r.ok).toBe(false);
    expect(r.attempts[0]).toMatchObject({ outcome: 'missing' });
    expect(Date.now() - t).toBeLessThan(1000);
    const msg = noDockerMessage(r);
    expect(msg.message).toMatch(/needs a Docker engine/);
    expect(msg.hint).toContain(file);
    expect(msg.hint).toMatch(/--backend embedded/);
  });

  it('a socket file nobody listens on: refused', async () => {
    const file = sock();
    await listen(file, () => {});
    await new Promise((r) => servers.pop()!.close(r)); // leaves no listener (node removes the file) …
    fs.writeFileSync(file, ''); // … so put a plain file there: connecting to it is refused
    const r = await probeDocker({ DOCKER_HOST: `unix://${file}` });
    expect(r.ok).toBe(false);
    expect(['refused', 'error']).toContain(r.attempts[0].outcome);
  });

  it('accepts but never answers: gives up after about 1 s', async () => {
    const file = sock();
    await listen(file, () => {
      /* accept and stay silent */
    });
    const t = Date.now();
    const r = await probeDocker({ DOCKER_HOST: `unix://${file}` }, 1000);
    const took = Date.now() - t;
    expect(r.ok).toBe(false);
    expect(r.attempts[0].outcome).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(2000);
  });

  it('answers OK to GET /_ping', async () => {
    const file = sock();
    let request = '';
    await listen(file, (c) => {
      c.on('data', (d) => {
        request += d.toString();
        c.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK');
      });
    });
    const r = await probeDocker({ DOCKER_HOST: `unix://${file}` });
    expect(r.ok).toBe(true);
    expect(r.where).toBe(`unix://${file}`);
    expect(request).toMatch(/^GET \/_ping HTTP\/1\.1/);
  });
});
