/**
 * The dependency rule of src/ (docs/architecture.md, "The rule"), checked by `npm run deps` in CI.
 * Each layer names what it may import; everything else under src/ is forbidden to it. Type-only
 * imports count too: a type that crosses a line drags the layer's design with it.
 */
const layer = (name, may, why) => ({
  name: may.length ? `${name}-imports-only-${may.join('-')}` : `${name}-is-a-leaf`,
  comment: why,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...may.map((m) => `^src/${m}/`)] },
});

module.exports = {
  forbidden: [
    layer('core', [], 'core is the leaf everyone uses: errors, paths, atomic JSON files, the course loader, SDK clients and AWS types.'),
    layer('policy', ['core'], 'policy is the evaluation interface: it may use core, nothing above it.'),
    layer('emulator', ['core', 'policy'], 'the emulator enforces IAM through policy; it never knows the runner, graders, workshop or backends.'),
    layer('graders', ['core', 'policy'], 'graders reach AWS only through SDK clients and the policy interface, so a verdict is the same on every backend.'),
    layer('backends', ['core', 'emulator'], 'a backend starts an emulator or a server and reports what it offers; it never imports the runner, graders or workshop.'),
    layer('workshop', ['core', 'emulator', 'policy'], 'the workshop server serves emulated accounts and the course outline (core/course.ts).'),
    layer('site', ['core'], 'the course site reads the course through core and renders it.'),
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be understood (or loaded lazily) one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-dependencies-in-src',
      comment: 'src/ is what learners install: devDependencies are not there for them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
  },
};
