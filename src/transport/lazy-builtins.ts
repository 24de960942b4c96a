import { createRequire } from 'node:module';

// node:https (with TLS) and node:zlib take milliseconds to load, and a run against a plain-HTTP target
// that sends plain bodies needs neither: they load on first use. (In the bundle every module's static
// imports of builtins load when the command starts, used or not.) CommonJS builtins load synchronously.
const require = createRequire(import.meta.url);

export function httpsModule(): typeof import('node:https') {
  return require('node:https');
}
export function zlibModule(): typeof import('node:zlib') {
  return require('node:zlib');
}
