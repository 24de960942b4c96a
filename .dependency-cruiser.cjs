// The layers of src/, top to bottom; a module may import only its own layer's modules and those below:
//   (cli | lib) → conformance → (contract | provider | report | broker | drift) → pact → client → transport → openapi → leaves
// The top has two entries, side by side: cli (the bin's commands) and lib (the package's import entry
// points, `project-api-key-contract` and `/chai`); nothing imports either, and neither imports the other.
// The middle layer's five folders are peers: none imports another. What two of them share about Pact
// itself (the pact binary, its environment and its error) lives below them in pact/, rather than copied
// into each: contract/ runs the binary's verifier, broker/ its broker client, and provider states and a
// broker's facts about a pact are read by more than one peer. client/ is the endpoint's client. The leaves are
// core/ (findings, pointers, text, JSON, checks), secrets/ (key patterns, their forms, redaction) and
// generated/: they import only one another. Nothing lies loose in src/ (test/static.test.ts holds that).
// `npm test` runs this (test/static.test.ts); a broken rule names the import.

const PEERS = 'contract|provider|report|broker|drift';
const TOP = 'cli|lib';
const above = {
  conformance: [`^src/(${TOP})/`],
  peers: [`^src/(${TOP}|conformance)/`],
  pact: [`^src/(${TOP}|conformance)/`, `^src/(${PEERS})/`],
  client: [`^src/(${TOP}|conformance|pact)/`, `^src/(${PEERS})/`],
  transport: [`^src/(${TOP}|conformance|pact)/`, `^src/(${PEERS})/`, '^src/client/'],
  openapi: [`^src/(${TOP}|conformance|pact|transport)/`, `^src/(${PEERS})/`, '^src/client/'],
  leaves: [`^src/(${TOP}|conformance|pact|transport|openapi)/`, `^src/(${PEERS})/`, '^src/client/'],
};

const upward = (name, from, fromNot) => ({
  name: `${name}-imports-only-downward`,
  comment: `${name} is below ${above[name].join(', ')}: it may not import them`,
  severity: 'error',
  from: fromNot ? { path: from, pathNot: fromNot } : { path: from },
  to: { path: above[name] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle ties modules together: break it by moving the shared part down',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli is the top: commands are reached through the bin, never imported by another module',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-lib',
      comment: "lib is the top: the package's entry points are imported by its users, never by src/",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/lib/' },
      to: { path: '^src/lib/' },
    },
    upward('conformance', '^src/conformance/'),
    upward('peers', `^src/(${PEERS})/`),
    {
      name: 'peers-stay-apart',
      comment: `${PEERS.replaceAll('|', ', ')} are peers under conformance: none imports another`,
      severity: 'error',
      from: { path: `^src/(${PEERS})/` },
      to: { path: `^src/(${PEERS})/`, pathNot: '^src/$1/' },
    },
    upward('pact', '^src/pact/'),
    upward('client', '^src/client/'),
    upward('transport', '^src/transport/'),
    upward('openapi', '^src/openapi/'),
    upward('leaves', '^src/(core|secrets|generated)/'),
    {
      name: 'no-dev-dependencies-at-run-time',
      comment:
        "the installed package has only dependencies and what scripts/build.ts bundles (fast-xml-parser): src may not load another devDependency (types aside; the library's chai plugin is handed chai by chai.use). Left out: the type generator, which is not in the package",
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: '^src/(openapi/types-source|cli/generate-types)\\.ts$',
      },
      to: {
        dependencyTypes: ['npm-dev'],
        // Types load nothing at run time: `import type`, and the chai plugin's `/// <reference types>`.
        dependencyTypesNot: ['type-only', 'triple-slash-type-reference'],
        pathNot: 'node_modules/fast-xml-parser/',
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
