/**
 * The bundle's second pass: fewer, larger chunks on the paths whose speed is measured.
 *
 * esbuild splits code by the set of entry points (a lazy `import()` is one) that reach it, and it
 * does not know that a command's chunk is only ever loaded after dist/runner/main.js. So the code
 * a `check` needs came in 21 files, some under a kilobyte, and `iam-labs emulator` loaded 25
 * before its ready line. Node 20's ES module loader resolves, reads (through the thread pool),
 * compiles and links each file on its own, about half a millisecond a file here: more than V8
 * takes to parse the few dozen kilobytes a merged file adds to a command that needs less of it.
 *
 * rolldown takes esbuild's output (from memory) and regroups the chunks that the measured paths
 * load: what every command loads with dist/runner/main.js; what `check` loads; what the emulator
 * loads before its ready line; what the grading host loads for its first grading. Each such
 * chunk joins the group of the paths that load it (esbuild's rule, applied to these four paths
 * instead of every lazy import), so a path loads a few files and no group it does not need. What
 * main.js loads is one group whoever else loads it. Everything else keeps esbuild's split, every
 * lazy `import()` still loads when its code runs, and nothing is tree-shaken again: this pass only
 * moves code between files.
 */
import path from 'node:path';

/**
 * The measured paths: [name, the entry (source file) whose chunk and static imports it loads,
 * the path that has always run before it in the same process]. The grading host's work is only
 * loaded inside `iam-labs emulator --grading-socket` (a detached lab's backend), after the ready
 * line, so what the emulator loaded is there already.
 */
const MEASURED_PATHS = [
  ['check', 'src/runner/commands/check.ts'],
  ['emulator', 'src/runner/commands/emulator.ts'],
  ['grading', 'src/runner/grading-host-work.ts', 'emulator'],
];
const MAIN_OUTPUT = 'dist/runner/main.js';

/** esbuild's output file → the output files it imports statically (what loads with it). */
function staticImports(metafile, file) {
  return metafile.outputs[file].imports.filter((i) => !i.external && i.kind === 'import-statement').map((i) => i.path);
}

function closure(metafile, file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const next of staticImports(metafile, file)) closure(metafile, next, seen);
  return seen;
}

/**
 * Which group each esbuild chunk goes to (absolute path → group name). An entry chunk is not
 * grouped: it stays the file Node is started on, or a lazy import's target.
 */
export function chunkGroups(metafile, root) {
  const entryOf = (source) => {
    const entry = Object.keys(metafile.outputs).find((out) => metafile.outputs[out].entryPoint === source);
    if (!entry) throw new Error(`bundle: no chunk for ${source} (see MEASURED_PATHS in scripts/bundle-regroup.mjs)`);
    return entry;
  };
  const pathsOf = new Map();
  const loadedBy = new Map();
  for (const [name, source, after] of MEASURED_PATHS) {
    const entry = entryOf(source);
    const loads = closure(metafile, entry);
    loadedBy.set(name, loads);
    const already = after ? loadedBy.get(after) : new Set();
    for (const file of loads) if (file !== entry && !already.has(file)) pathsOf.set(file, [...(pathsOf.get(file) ?? []), name]);
  }
  const groupOf = new Map();
  for (const [file, paths] of pathsOf) groupOf.set(path.join(root, file), `group-${paths.join('-')}`);
  for (const file of closure(metafile, MAIN_OUTPUT)) if (file !== MAIN_OUTPUT) groupOf.set(path.join(root, file), 'group-startup');
  return groupOf;
}

/**
 * Regroup esbuild's output files (write: false) and return the files to write, in the same
 * shape ({ path, contents }). `entries`: output name (e.g. 'runner/main') → its file under dist.
 */
export async function regroupChunks({ outputFiles, metafile, root, dist, entries }) {
  // Only a speed-up: where rolldown cannot load (no native build of it for this platform), the
  // build keeps esbuild's chunks and says so, rather than failing a learner's first `npx iam-labs`.
  let rolldown;
  try {
    ({ rolldown } = await import('rolldown'));
  } catch (e) {
    process.stderr.write(`bundle: rolldown could not load (${e.message.split('\n')[0]}); dist/ keeps esbuild's chunks as they are.\n`);
    return outputFiles.map((f) => ({ path: f.path, contents: f.contents }));
  }
  const files = new Map(outputFiles.map((f) => [f.path, f.text]));
  const groupOf = chunkGroups(metafile, root);
  const bundle = await rolldown({
    input: Object.fromEntries(Object.keys(entries).map((name) => [name, path.join(dist, `${name}.js`)])),
    platform: 'node',
    treeshake: false,
    // a group holds only the chunks named for it, so the entries' chunks may gain exports
    preserveEntrySignatures: 'allow-extension',
    logLevel: 'warn',
    plugins: [
      {
        name: 'esbuild-output',
        // esbuild's files refer to each other by relative path; anything else (node: built-ins,
        // the packages left on disk) stays an import for Node to resolve.
        resolveId(source, importer) {
          if (importer && source.startsWith('.')) {
            const file = path.resolve(path.dirname(importer), source);
            if (files.has(file)) return file;
          }
          if (!importer && files.has(source)) return source;
          return { id: source, external: true };
        },
        load(id) {
          return files.get(id) ?? null;
        },
      },
    ],
  });
  const out = await bundle.generate({
    format: 'esm',
    dir: dist,
    entryFileNames: '[name].js',
    // a lazy import's chunk keeps esbuild's name without its hash (rolldown adds its own)
    chunkFileNames: (chunk) => `chunks/${chunk.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
    minify: false,
    codeSplitting: {
      includeDependenciesRecursively: false,
      groups: [...new Set(groupOf.values())].map((name) => ({ name, test: (id) => groupOf.get(id) === name })),
    },
  });
  await bundle.close();
  return out.output.filter((o) => o.type === 'chunk').map((c) => ({ path: path.join(dist, c.fileName), contents: c.code }));
}
