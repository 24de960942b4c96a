// The layers of src/, top to bottom; a module may import only its own layer's modules and those below:
//   cli → conformance → (contract | provider | report | broker | drift) → pact → client → transport → openapi → leaves
// The middle layer's five folders are peers: none imports another. What two of them share about Pact
// itself (the pact binary, its environment and its error) lives below them in pact/, rather than copied
// into each: contract/ runs the binary's verifier, broker/ its broker client. Leaves are src/*.ts (not
// client.ts) and src/generated/. `npm test` runs this (test/static.test.ts); a broken rule names the import.

const PEERS = 'contract|provider|report|broker|drift';
const above = {
  cli: [],
  conformance: ['^src/cli/'],
  peers: ['^src/(cli|conformance)/'],
  pact: ['^src/(cli|conformance)/', `^src/(${PEERS})/`],
  client: ['^src/(cli|conformance|pact)/', `^src/(${PEERS})/`],
  transport: ['^src/(cli|conformance|pact)/', `^src/(${PEERS})/`, '^src/client\\.ts$'],
  openapi: ['^src/(cli|conformance|pact|transport)/', `^src/(${PEERS})/`, '^src/client\\.ts$'],
  leaves: ['^src/(cli|conformance|pact|transport|openapi)/', `^src/(${PEERS})/`, '^src/client\\.ts$'],
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
      comment: 'cli is the top: commands are reached through the bin, never imported by a lower layer',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
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
    upward('client', '^src/client\\.ts$'),
    upward('transport', '^src/transport/'),
    upward('openapi', '^src/openapi/'),
    upward('leaves', '^src/(generated/|[^/]+\\.ts$)', '^src/client\\.ts$'),
    {
      name: 'no-dev-dependencies-at-run-time',
      comment:
        "the installed CLI has only dependencies and what scripts/build.ts bundles (fast-xml-parser): src may not load another devDependency (types aside). Left out: the type generator (not in the package) and the consumer tests' pact-js matchers",
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: '^src/(openapi/types-source|cli/generate-types|contract/matchers)\\.ts$',
      },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: 'node_modules/fast-xml-parser/',
      },
    },
    {
      name: 'matchers-only-for-consumer-tests',
      comment: 'src/contract/matchers.ts loads pact-js, a devDependency: no module of the CLI may import it',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/contract/matchers\\.ts$' },
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
