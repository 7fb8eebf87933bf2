// Resolve a netlify.toml with Netlify's own resolver (@netlify/config), offline, for one context.
//
//   node tests/netlify_config.mjs CONTEXT [PATH/TO/netlify.toml]
//
// CONTEXT is production, deploy-preview or branch-deploy; the file defaults to the repository's
// netlify.toml, and its folder is the repository root. Prints one JSON object on stdout:
// {config, warnings, logs}. `warnings` holds every line the resolver logged: with `buffer: true` and
// `debug` off it logs nothing but warnings (`logWarning`), for example "Warning: some headers have
// syntax errors" when it drops an invalid [[headers]] or [[redirects]] entry. On an exception it
// prints the message on stderr and exits 1. Any attempt at a network connection is an exception.
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import process from 'node:process';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const CONTEXTS = ['production', 'deploy-preview', 'branch-deploy'];
const BRANCHES = { production: 'main', 'deploy-preview': 'pull-request', 'branch-deploy': 'feature' };

function refuseNetwork(what) {
  return () => {
    throw new Error(`netlify_config.mjs runs offline: ${what} was called`);
  };
}

// No token and `offline: true` already keep the resolver off the network; this makes sure of it.
for (const [mod, names] of [[http, ['request', 'get']], [https, ['request', 'get']],
  [net, ['connect', 'createConnection']], [tls, ['connect']]]) {
  for (const name of names) mod[name] = refuseNetwork(name);
}
syncBuiltinESMExports();
globalThis.fetch = refuseNetwork('fetch');

// Settings that would turn on debug output, an API client or another site must not leak in.
for (const name of ['NETLIFY_AUTH_TOKEN', 'NETLIFY_BUILD_DEBUG', 'NETLIFY_API_HOST', 'NETLIFY_SITE_ID',
  'CONTEXT', 'BRANCH']) {
  delete process.env[name];
}

// Anything printed outside the buffered logs is reported too, and stdout stays pure JSON.
const stray = [];
for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
  console[name] = (...args) => stray.push(args.map(String).join(' '));
}

const ANSI = /\u001b\[[0-9;]*m/g;
const clean = (line) => line.replace(ANSI, '').replace(/\u200b/g, '').trim();

async function main() {
  const [context, file] = process.argv.slice(2);
  if (!CONTEXTS.includes(context)) {
    throw new Error(`usage: node tests/netlify_config.mjs ${CONTEXTS.join('|')} [netlify.toml]`);
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const configPath = path.resolve(file ?? path.join(here, '..', 'netlify.toml'));
  const root = path.dirname(configPath);
  const { resolveConfig } = await import('@netlify/config');
  const result = await resolveConfig({
    config: configPath,
    repositoryRoot: root,
    cwd: root,
    context,
    branch: BRANCHES[context],
    offline: true,
    mode: 'buildbot', // as in Netlify's CI: no site or account look-up, no git for the environment
    buffer: true,
    debug: false,
  });
  const logs = result.logs ?? { stdout: [], stderr: [] };
  const warnings = [...logs.stdout, ...logs.stderr, ...stray]
    .flatMap((entry) => clean(String(entry)).split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const out = { config: result.config, warnings, logs: { stdout: logs.stdout.map(clean), stderr: logs.stderr.map(clean) } };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
});
