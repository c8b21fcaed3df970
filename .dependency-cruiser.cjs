// The structure of lib/, checked by `npm run lint` (through scripts/lint-deps.mjs, which also
// fails on two folders of lib/ that import each other: a check these rules cannot express).
// CommonJS (.cjs): the package is "type": "module" and dependency-cruiser reads its config with
// require(). Type-only imports count (tsPreCompilationDeps): a cycle of types is still a cycle.
// Spec files are not cruised: they may import what they test from anywhere.

/** Transport code: what turns a request (HTTP, WebSocket, OpenAPI description) into a decision. */
const TRANSPORT = '^lib/(http|guards|websockets|openapi|transport|refusals)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules of lib/ must not import each other in a cycle, type-only imports included: ' +
        'move what both need to a module that neither imports back.',
      from: { path: '^lib/' },
      to: { path: '^lib/', circular: true },
    },
    {
      name: 'core-imports-no-transport',
      severity: 'error',
      comment:
        'lib/flows, tokens, keys, settings and common are the core: they must not import ' +
        'transport code (lib/http, guards, websockets, openapi, transport, refusals).',
      from: { path: '^lib/(flows|tokens|keys|settings|common)/' },
      to: { path: TRANSPORT },
    },
    {
      name: 'common-imports-nothing-of-lib',
      severity: 'error',
      comment: 'lib/common is the bottom layer: it imports nothing else of lib/.',
      from: { path: '^lib/common/' },
      to: { path: '^lib/', pathNot: '^lib/common/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        'An import dependency-cruiser cannot resolve is an edge the other rules cannot see: ' +
        'fix the import (or this configuration) so that every rule checks it.',
      from: { path: '^lib/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
    // Packages are resolved (so that no-unresolvable can tell a typo from a package) but not read.
    doNotFollow: { path: 'node_modules' },
  },
};
