// Renders an overlay with `kubectl kustomize` and parses every object.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OVERLAYS = ['dev', 'prod'];

export function render(overlay) {
  const out = execFileSync('kubectl', ['kustomize', path.join(DEPLOY, 'k8s', 'overlays', overlay)],
    { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
}

// {service: {reads: [...], required: [...]}} from SERVICE_CONFIG_JSON (one
// JSON object per line, as `<binary> --list-config` prints).
export function serviceConfigs() {
  const file = process.env.SERVICE_CONFIG_JSON;
  if (!file) return null;
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    out[c.service] = c;
  }
  return out;
}
