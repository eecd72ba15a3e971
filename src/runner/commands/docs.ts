/**
 * `iam-labs docs`: serves the course site (docs/site/) on 127.0.0.1 until Ctrl-C, building it
 * first from labs/ when it is missing (or always, with --rebuild).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { PortBusyError, UsageError } from '../../core/errors.js';
import { courseDir, packageRoot, type Env } from '../../core/paths.js';

export interface DocsOptions {
  host?: string;
  port?: string;
  /** the built site; default docs/site in the package */
  dir?: string;
  rebuild?: boolean;
  env?: Env;
  out?: NodeJS.WritableStream;
  /** resolves when the server should stop; default: SIGINT or SIGTERM */
  until?: Promise<void>;
  /** called once the server listens (tests read the URL from it) */
  onReady?: (url: string) => void;
}

export async function docsCommand(opts: DocsOptions = {}): Promise<void> {
  const out = opts.out ?? process.stdout;
  const host = opts.host ?? '127.0.0.1';
  const port = Number(opts.port ?? '4580');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not '${opts.port}'.`);
  const root = packageRoot();
  const dir = opts.dir ?? join(root, 'docs', 'site');
  if (opts.rebuild || !existsSync(join(dir, 'index.html'))) {
    const { buildSite } = await import('../../site/build.js');
    const labsDir = courseDir(opts.env ?? process.env);
    if (!existsSync(join(labsDir, 'course.md'))) {
      throw new UsageError(`no course to build the site from: ${join(labsDir, 'course.md')} does not exist.`);
    }
    const site = buildSite({ labsDir, outDir: dir, docsDir: join(root, 'docs'), rootDir: root });
    out.write(`Built the course site (${site.pages.length} pages) into ${dir}\n`);
  }
  const { serveSite } = await import('../../site/serve.js');
  let served;
  try {
    served = await serveSite(dir, host, port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortBusyError(`port ${port} on ${host} is already in use.`, 2, 'Pick another with --port <n>, or --port 0 for any free port.');
    }
    throw e;
  }
  out.write(`${pc.green('Course site')} at ${pc.bold(served.url)}  (from ${dir})\nPress Ctrl-C to stop.\n`);
  opts.onReady?.(served.url);
  await (opts.until ??
    new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }));
  await served.close();
}
