// The README's configuration section against what the services read
// (`<binary> --list-config`): it names every variable a service reads and
// nothing else, and where it gives a default right after a name ("`NAME`
// (5000"), that is the default the service prints.
import fs from 'node:fs';

export const README = new URL('../../README.md', import.meta.url);

// Read by libpq or by the local tools, not by the services' Config.
const EXTERNAL = /^PG[A-Z]+$/;

// "10^12" or "5000" as a number; null when the text is no number.
function numberOf(text) {
  const power = /^10\^(\d+)$/.exec(text);
  if (power) return 10n ** BigInt(power[1]);
  return /^-?\d+$/.test(text) ? BigInt(text) : null;
}

export function checkReadme(readme, configs) {
  const problems = [];
  const start = readme.indexOf('## Configuration');
  if (start < 0) return ['README.md has no "## Configuration" section'];
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const named = new Map();  // name -> the text just after it
  for (const m of section.matchAll(/`([A-Z][A-Z0-9_]{2,})`(\s*\(([^);:,\s]+))?/g)) {
    if (!named.has(m[1]) || m[3]) named.set(m[1], m[3] || '');
  }
  const defaults = new Map();  // name -> set of defaults over the services
  for (const cfg of Object.values(configs)) {
    for (const name of cfg.reads) {
      if (!defaults.has(name)) defaults.set(name, new Set());
      if (cfg.defaults && name in cfg.defaults) defaults.get(name).add(cfg.defaults[name]);
    }
  }
  for (const name of [...defaults.keys()].sort()) {
    if (!named.has(name)) problems.push(`README.md: configuration does not name ${name}`);
  }
  for (const [name, after] of named) {
    if (EXTERNAL.test(name)) continue;
    if (!defaults.has(name)) {
      problems.push(`README.md: configuration names ${name}, which no service reads`);
      continue;
    }
    const given = numberOf(after);
    const actual = [...defaults.get(name)];
    if (given === null || actual.length !== 1) continue;  // words, or per-service defaults
    const want = numberOf(actual[0]);
    if (want !== null && want !== given) {
      problems.push(`README.md: ${name} defaults to ${actual[0]}, the README says ${after}`);
    }
  }
  return problems;
}

export function readReadme() {
  return fs.readFileSync(README, 'utf8');
}
