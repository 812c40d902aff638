// The deployment check of CI: every overlay renders, every object validates
// against the Kubernetes schemas, and our policies hold. Prints one FAIL
// line per problem and "N passed, N failed"; exit 1 on any problem.
import fs from 'node:fs';
import { DOCKERFILE, checkDockerfile } from './dockerfile.mjs';
import { checkPolicies, checkRunbooks, validateSchemas } from './policy.mjs';
import { OVERLAYS, render, serviceConfigs } from './render.mjs';
import { checkReadme, readReadme } from './readme.mjs';

const configs = serviceConfigs();
if (!configs) console.log('note: SERVICE_CONFIG_JSON not set, environment checks skipped');
let passed = 0;
let failed = 0;
for (const overlay of OVERLAYS) {
  let objects;
  try {
    objects = render(overlay);
    passed++;
  } catch (e) {
    console.log(`FAIL ${overlay}: kustomize: ${e.message}`);
    failed++;
    continue;
  }
  const runbook = fs.readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  for (const [what, problems] of [['schema', validateSchemas(objects)],
    ['policy', checkPolicies(objects, configs || {})], ['runbooks', checkRunbooks(objects, runbook)]]) {
    if (problems.length === 0) {
      passed++;
      console.log(`ok ${overlay}: ${what} (${objects.length} objects)`);
    }
    for (const p of problems) {
      failed++;
      console.log(`FAIL ${overlay}: ${p}`);
    }
  }
}
if (configs) {
  const readmeProblems = checkReadme(readReadme(), configs);
  if (readmeProblems.length === 0) {
    passed++;
    console.log('ok README configuration section');
  }
  for (const p of readmeProblems) {
    failed++;
    console.log(`FAIL ${p}`);
  }
}
const imageProblems = checkDockerfile(fs.readFileSync(DOCKERFILE, 'utf8'));
if (imageProblems.length === 0) {
  passed++;
  console.log('ok image recipe');
}
for (const p of imageProblems) {
  failed++;
  console.log(`FAIL image: ${p}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
