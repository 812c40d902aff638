// Checks of the image recipe (no Docker engine here to build it): multi-
// stage, runtime on debian:12-slim, a numeric non-root USER, and binaries
// copied only from what the Bazel build produces (cc_binary targets).
import fs from 'node:fs';
import path from 'node:path';
import { DEPLOY } from './render.mjs';

export const DOCKERFILE = path.join(DEPLOY, 'image', 'Dockerfile');
const ROOT = path.resolve(DEPLOY, '..');

export function checkDockerfile(text, root = ROOT) {
  const problems = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const froms = lines.filter((l) => /^FROM\s/i.test(l));
  if (froms.length < 2) problems.push('not multi-stage');
  if (!froms.length || !/^FROM\s+debian:12-slim(\s|$)/i.test(froms[froms.length - 1])) {
    problems.push('runtime stage must be FROM debian:12-slim');
  }
  const users = lines.filter((l) => /^USER\s/i.test(l));
  const user = users.length ? users[users.length - 1].split(/\s+/)[1] : '';
  if (!/^[1-9][0-9]*(:[0-9]+)?$/.test(user)) problems.push('last USER must be a numeric non-root uid');
  // Every bazel-bin path copied out must be a cc_binary of that package.
  for (const m of text.matchAll(/bazel-bin\/([\w/]+)\/(\w+)/g)) {
    const [, pkg, target] = m;
    const build = path.join(root, pkg, 'BUILD');
    const ok = fs.existsSync(build) &&
      new RegExp(`cc_binary\\(\\s*name\\s*=\\s*"${target}"`).test(fs.readFileSync(build, 'utf8'));
    if (!ok) problems.push(`copies bazel-bin/${pkg}/${target}, which no cc_binary //${pkg}:${target} produces`);
  }
  if (!/COPY\s+--from=/i.test(text)) problems.push('runtime stage must copy the binaries from the build stage');
  return problems;
}
