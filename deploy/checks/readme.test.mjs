// The README check finds a missing variable, an unknown one and a wrong default.
import assert from 'node:assert/strict';
import test from 'node:test';
import { checkReadme, readReadme } from './readme.mjs';
import { serviceConfigs } from './render.mjs';

const configs = {
  order: { reads: ['PORT', 'DB_POOL_SIZE'], defaults: { PORT: '50052', DB_POOL_SIZE: '8' } },
  hold: { reads: ['PORT', 'SNAPSHOT_REFRESH_MS'], defaults: { PORT: '50056', SNAPSHOT_REFRESH_MS: '1000' } },
};

test('a README naming every variable with its default passes', () => {
  const readme = '## Configuration\n`PORT` (API.md port), `DB_POOL_SIZE` (8), `PGHOST`, ' +
    '`SNAPSHOT_REFRESH_MS` (1000).\n## Next\n`OTHER` (1)';
  assert.deepEqual(checkReadme(readme, configs), []);
});

test('a missing variable, an unknown one and a wrong default are each named', () => {
  const readme = '## Configuration\n`PORT` (x), `DB_POOL_SIZE` (16), `RETRY_MS` (5).\n';
  assert.deepEqual(checkReadme(readme, configs).sort(), [
    'README.md: DB_POOL_SIZE defaults to 8, the README says 16',
    'README.md: configuration does not name SNAPSHOT_REFRESH_MS',
    'README.md: configuration names RETRY_MS, which no service reads',
  ]);
});

test('the README itself matches what the services read', { skip: !serviceConfigs() }, () => {
  assert.deepEqual(checkReadme(readReadme(), serviceConfigs()), []);
});
