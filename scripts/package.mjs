// `npm run package`: production build, then a .vsix with @vscode/vsce. Everything runs from
// dist/ (bundled), so no node_modules go in and packaging needs no network.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}

run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--production']);
run(process.execPath, [
  path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package',
  // No repository URL to rewrite README image links against: the screenshots stay relative (they
  // show in the repository; the Marketplace page is not a target of an offline build).
  '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out,
]);
console.log(`install with: code --install-extension ${path.relative(process.cwd(), out)}`);
