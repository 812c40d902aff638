// Each policy catches a broken manifest; the real ones pass.
import assert from 'node:assert/strict';
import test from 'node:test';
import fs from 'node:fs';
import { DOCKERFILE, checkDockerfile } from './dockerfile.mjs';
import { checkPolicies, checkRunbooks, validateSchemas } from './policy.mjs';
import { OVERLAYS, render, serviceConfigs } from './render.mjs';

const configs = serviceConfigs() || {
  orchestration: {
    reads: ['PORT', 'METRICS_PORT', 'DRAIN_DELAY_MS', 'SHUTDOWN_GRACE_MS', 'DB_POOL_SIZE',
      'MIGRATE_ON_START', 'ORDER_ADDR', 'PRICING_ADDR', 'GUIDEDSELLING_ADDR', 'PAYMENT_ADDR',
      'HOLD_ADDR', 'DOWNSTREAM_TIMEOUT_MS', 'SAGA_RECOVERY_INTERVAL_MS', 'SAGA_IDLE_MS',
      'SAGA_RETENTION_HOURS', 'PAYMENT_SWEEP_INTERVAL_MS', 'PAYMENT_SWEEP_MIN_AGE_MS', 'PROBE_PORT',
      'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CA_FILE',
      'TLS_REQUIRE_CLIENT_CERT', 'CALLCENTER_JWT_SECRET'],
    required: ['CALLCENTER_JWT_SECRET'],
  },
};

const clone = (x) => JSON.parse(JSON.stringify(x));
const base = render('dev');
const deployment = (objs, n) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === n);
const container = (objs, n) => deployment(objs, n).spec.template.spec.containers[0];

function broken(mutate) {
  const objs = clone(base);
  mutate(objs);
  return checkPolicies(objs, configs).join('\n');
}

for (const overlay of OVERLAYS) {
  test(`${overlay} renders, validates and passes every policy`, () => {
    const objs = render(overlay);
    assert.deepEqual(validateSchemas(objs), []);
    assert.deepEqual(checkPolicies(objs, configs), []);
  });
}

test('a Deployment without probes fails', () => {
  assert.match(broken((o) => { delete container(o, 'order').readinessProbe; }), /order container order: no readiness probe/);
  assert.match(broken((o) => { delete container(o, 'order').livenessProbe; }), /no liveness probe/);
  assert.match(broken((o) => { delete container(o, 'order').startupProbe; }), /no startup probe/);
});

test('a Deployment without requests or limits fails', () => {
  assert.match(broken((o) => { delete container(o, 'hold').resources.requests; }), /hold: no cpu and memory requests/);
  assert.match(broken((o) => { delete container(o, 'hold').resources.limits; }), /hold: no memory limit/);
  assert.match(broken((o) => { delete container(o, 'hold').resources.limits.cpu; }), /hold: no cpu limit/);
  assert.match(broken((o) => { container(o, 'hold').resources.limits.cpu = '50m'; }),
    /hold: cpu limit below the request/);
});

test('a Deployment running as root fails', () => {
  assert.match(broken((o) => {
    deployment(o, 'pricing').spec.template.spec.securityContext.runAsNonRoot = false;
    container(o, 'pricing').securityContext.runAsNonRoot = false;
  }), /pricing: must run as a numeric non-root user/);
  assert.match(broken((o) => {
    deployment(o, 'pricing').spec.template.spec.securityContext.runAsUser = 0;
  }), /pricing: must run as a numeric non-root user/);
});

test('a writable root filesystem fails', () => {
  assert.match(broken((o) => { container(o, 'payment').securityContext.readOnlyRootFilesystem = false; }),
    /payment: root filesystem must be read-only/);
});

test('an unnamed Service port fails', () => {
  assert.match(broken((o) => { delete o.find((x) => x.kind === 'Service' && x.metadata.name === 'order').spec.ports[0].name; }),
    /Service\/order: port 50052 has no name/);
});

test('a service without PDB or HPA fails', () => {
  assert.match(broken((o) => { o.splice(o.findIndex((x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'hold'), 1); }),
    /Deployment\/hold: no PodDisruptionBudget/);
  assert.match(broken((o) => { o.splice(o.findIndex((x) => x.kind === 'HorizontalPodAutoscaler' && x.metadata.name === 'hold'), 1); }),
    /Deployment\/hold: no HorizontalPodAutoscaler/);
});

test('replicas set beside an HPA, or not spread over nodes, fail', () => {
  assert.match(broken((o) => { deployment(o, 'pricing').spec.replicas = 3; }),
    /Deployment\/pricing: sets replicas, which its HorizontalPodAutoscaler owns/);
  assert.match(broken((o) => { delete deployment(o, 'pricing').spec.template.spec.topologySpreadConstraints; }),
    /Deployment\/pricing: replicas not spread over nodes/);
});

test('a migration Job outside the restricted profile fails', () => {
  assert.match(broken((o) => {
    o.find((x) => x.kind === 'Job' && x.metadata.name === 'order-migrate')
      .spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  }), /Job\/order-migrate container migrate: privilege escalation must be off/);
});

test('PostgreSQL from a home-made StatefulSet fails', () => {
  assert.match(broken((o) => {
    o.push({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres:15' }] } } },
    });
  }), /StatefulSet\/db: PostgreSQL must come from the CloudNativePG operator/);
});

test('a namespace without the restricted Pod Security profile fails', () => {
  assert.match(broken((o) => { delete o.find((x) => x.kind === 'Namespace').metadata.labels; }),
    /Namespace\/callcenter-dev: must enforce the restricted Pod Security profile/);
});

test('an env var the service does not read fails', () => {
  assert.match(broken((o) => { container(o, 'orchestration').env.push({ name: 'ORDR_ADDR', value: 'x' }); }),
    /sets ORDR_ADDR, which orchestration does not read/);
});

test('a required env var the manifests omit fails', () => {
  assert.match(broken((o) => {
    const c = container(o, 'orchestration');
    c.env = c.env.filter((e) => e.name !== 'CALLCENTER_JWT_SECRET');
  }), /omits CALLCENTER_JWT_SECRET, which orchestration requires/);
});

test('a grace period shorter than the drain fails', () => {
  assert.match(broken((o) => { deployment(o, 'orchestration').spec.template.spec.terminationGracePeriodSeconds = 10; }),
    /terminationGracePeriodSeconds must exceed the drain/);
});

test('TLS files outside their certificate Secret fail (prod, mutual TLS)', () => {
  const prod = render('prod');
  const brokenProd = (mutate) => {
    const objs = clone(prod);
    mutate(objs);
    return checkPolicies(objs, configs).join('\n');
  };
  assert.match(brokenProd((o) => { delete container(o, 'orchestration').volumeMounts; }),
    /orchestration: TLS_CERT_FILE=\/etc\/callcenter\/tls\/tls.crt is not under a mounted volume/);
  assert.match(brokenProd((o) => {
    deployment(o, 'orchestration').spec.template.spec.volumes[0] = { name: 'tls', emptyDir: {} };
  }), /orchestration: TLS_CERT_FILE must come from a Secret volume/);
  assert.match(brokenProd((o) => {
    o.find((x) => x.kind === 'Certificate' && x.metadata.name === 'orchestration').spec.dnsNames = ['pricing'];
  }), /certificate orchestration does not name orchestration/);
  const objs = clone(prod);
  delete objs.find((x) => x.kind === 'Certificate' && x.metadata.name === 'hold').spec.dnsNames;
  assert.match(validateSchemas(objs).join('\n'), /Certificate\/hold: spec.dnsNames must list/);
});

test('a prod database without synchronous standbys or backups fails', () => {
  const prod = render('prod');
  const cluster = (o) => o.find((x) => x.kind === 'Cluster');
  let objs = clone(prod);
  delete cluster(objs).spec.minSyncReplicas;
  assert.match(validateSchemas(objs).join('\n'), /Cluster\/callcenter-db: with standbys, minSyncReplicas >= 1/);
  objs = clone(prod);
  delete cluster(objs).spec.backup;
  assert.match(validateSchemas(objs).join('\n'), /Cluster\/callcenter-db: no backup/);
  objs = clone(prod);
  objs.find((x) => x.kind === 'ScheduledBackup').spec.schedule = '0 2 * * *';
  assert.match(validateSchemas(objs).join('\n'), /ScheduledBackup\/callcenter-db-nightly: spec.schedule must be a six-field cron/);
});

test('an alert without severity or runbook fails', () => {
  const objs = clone(render('prod'));
  const rule = objs.find((x) => x.kind === 'PrometheusRule').spec.groups[0].rules[0];
  delete rule.labels;
  delete rule.annotations.runbook;
  const problems = validateSchemas(objs).join('\n');
  assert.match(problems, /PrometheusRule\/callcenter CallcenterServerErrors: no severity label/);
  assert.match(problems, /CallcenterServerErrors: needs a summary and a runbook annotation/);
});

test('every alert links a section of the runbook, and a dangling link fails', () => {
  const runbook = fs.readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const objs = clone(render('prod'));
  assert.deepEqual(checkRunbooks(objs, runbook), []);
  objs.find((x) => x.kind === 'PrometheusRule').spec.groups[0].rules[0].annotations.runbook =
    'docs/operations.md#nothing-here';
  assert.match(checkRunbooks(objs, runbook).join('\n'),
    /CallcenterServerErrors: runbook docs\/operations.md#nothing-here is no section/);
});

test('the schema check catches a wrong type', () => {
  const objs = clone(base);
  deployment(objs, 'order').spec.replicas = 'three';
  assert.match(validateSchemas(objs).join('\n'), /Deployment\/order: schema/);
});

test('the image recipe passes and its checks catch breakage', () => {
  const good = fs.readFileSync(DOCKERFILE, 'utf8');
  assert.deepEqual(checkDockerfile(good), []);
  assert.match(checkDockerfile(good.replace('USER 10001:10001', 'USER root')).join(), /numeric non-root/);
  assert.match(checkDockerfile(good.replace('FROM debian:12-slim', 'FROM debian:12')).join(), /debian:12-slim/);
  assert.match(checkDockerfile(good.replace('bazel-bin/services/hold/hold', 'bazel-bin/services/hold/holds')).join(),
    /no cc_binary \/\/services\/hold:holds/);
});
