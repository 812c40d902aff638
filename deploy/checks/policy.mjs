// Schema validation (kubernetes-models) and our own policies for rendered
// manifests. Each function returns a list of problems (strings); empty = OK.
import * as models from 'kubernetes-models';

// Variables libpq reads by itself (database connection from the Secret).
const LIBPQ = new Set(['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE']);

function moduleFor(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group) return models.v1;
  const key = group.split('.').map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join('');
  return models[key] && models[key][version];
}

const name = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;

export function validateSchemas(objects) {
  const problems = [];
  for (const o of objects) {
    if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster') {
      // A CRD: no schema in kubernetes-models; check what we rely on.
      if (!(o.spec && Number.isInteger(o.spec.instances) && o.spec.instances >= 1)) {
        problems.push(`${name(o)}: spec.instances must be a positive integer`);
      }
      if (!(o.spec && o.spec.storage && o.spec.storage.size)) problems.push(`${name(o)}: spec.storage.size required`);
      if (o.spec && o.spec.instances > 1 && !(o.spec.minSyncReplicas >= 1)) {
        problems.push(`${name(o)}: with standbys, minSyncReplicas >= 1 (a failover must lose no commit)`);
      }
      // A production cluster (with standbys) is backed up; a one-instance
      // development cluster need not be.
      if (o.spec && o.spec.instances > 1 && !(o.spec.backup && o.spec.backup.barmanObjectStore &&
            o.spec.backup.barmanObjectStore.destinationPath)) {
        problems.push(`${name(o)}: no backup (spec.backup.barmanObjectStore)`);
      }
      continue;
    }
    if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'ScheduledBackup') {
      if (!(o.spec && o.spec.schedule && o.spec.schedule.split(' ').length === 6)) {
        problems.push(`${name(o)}: spec.schedule must be a six-field cron (seconds first)`);
      }
      const cluster = o.spec && o.spec.cluster && o.spec.cluster.name;
      if (!objects.some((c) => c.kind === 'Cluster' && c.metadata.name === cluster)) {
        problems.push(`${name(o)}: spec.cluster.name ${cluster} is no Cluster in the manifests`);
      }
      continue;
    }
    if (o.apiVersion === 'cert-manager.io/v1' && o.kind === 'Certificate') {
      // A CRD too: a Secret to write, an issuer, names to certify.
      if (!(o.spec && o.spec.secretName)) problems.push(`${name(o)}: spec.secretName required`);
      if (!(o.spec && o.spec.issuerRef && o.spec.issuerRef.name)) problems.push(`${name(o)}: spec.issuerRef.name required`);
      if (!(o.spec && Array.isArray(o.spec.dnsNames) && o.spec.dnsNames.length > 0)) {
        problems.push(`${name(o)}: spec.dnsNames must list the names callers dial`);
      }
      continue;
    }
    if (o.apiVersion === 'monitoring.coreos.com/v1' && o.kind === 'PrometheusRule') {
      for (const g of (o.spec && o.spec.groups) || []) {
        for (const r of g.rules || []) {
          const what = `${name(o)} ${r.alert || r.record || '(unnamed rule)'}`;
          if (!r.expr) problems.push(`${what}: no expr`);
          if (r.alert && !(r.labels && r.labels.severity)) problems.push(`${what}: no severity label`);
          if (r.alert && !(r.annotations && r.annotations.summary && r.annotations.runbook)) {
            problems.push(`${what}: needs a summary and a runbook annotation`);
          }
        }
      }
      continue;
    }
    if (o.apiVersion === 'monitoring.coreos.com/v1' && o.kind === 'PodMonitor') {
      const endpoints = (o.spec && o.spec.podMetricsEndpoints) || [];
      if (!(o.spec && o.spec.selector) || endpoints.length === 0 || !endpoints.every((e) => e.port)) {
        problems.push(`${name(o)}: needs a selector and named ports to scrape`);
      }
      continue;
    }
    const mod = moduleFor(o.apiVersion);
    const Kind = mod && mod[o.kind];
    if (!Kind) {
      problems.push(`${name(o)}: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Kind(o).validate();
    } catch (e) {
      problems.push(`${name(o)}: schema: ${e.message.split('\n').slice(0, 3).join(' ')}`);
    }
  }
  return problems;
}

// TLS files must come from a mounted Secret; a Secret that a Certificate
// writes must be for a name the service is dialled by (its own).
function tlsProblems(cn, env, container, pod, objects) {
  const problems = [];
  for (const v of ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CA_FILE']) {
    const file = env[v];
    if (!file) continue;
    const mount = (container.volumeMounts || []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    if (!mount) {
      problems.push(`${cn}: ${v}=${file} is not under a mounted volume`);
      continue;
    }
    const volume = (pod.volumes || []).find((vol) => vol.name === mount.name);
    const secret = volume && volume.secret && volume.secret.secretName;
    if (!secret) {
      problems.push(`${cn}: ${v} must come from a Secret volume`);
      continue;
    }
    const cert = objects.find((o) => o.kind === 'Certificate' && o.spec && o.spec.secretName === secret);
    const service = container.name;
    if (cert && !(cert.spec.dnsNames || []).includes(service)) {
      problems.push(`${cn}: certificate ${cert.metadata.name} does not name ${service}`);
    }
  }
  return problems;
}

// A CPU quantity ("250m", "1", "1.5") in cores.
function cpuCores(q) {
  const text = String(q);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

function labelsMatch(selector, labels) {
  const want = (selector && selector.matchLabels) || {};
  return Object.entries(want).every(([k, v]) => labels && labels[k] === v);
}

export function checkPolicies(objects, serviceConfigs = {}) {
  const problems = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const configMaps = Object.fromEntries(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data || {}]));
  for (const d of deployments) {
    const n = name(d);
    const pod = d.spec.template.spec || {};
    const podLabels = d.spec.template.metadata.labels || {};
    const psc = pod.securityContext || {};
    if (pod.automountServiceAccountToken !== false) problems.push(`${n}: automountServiceAccountToken must be false`);
    if (!psc.seccompProfile || psc.seccompProfile.type !== 'RuntimeDefault') {
      problems.push(`${n}: pod seccompProfile must be RuntimeDefault`);
    }
    for (const c of pod.containers || []) {
      const cn = `${n} container ${c.name}`;
      const sc = c.securityContext || {};
      if (!c.readinessProbe) problems.push(`${cn}: no readiness probe`);
      if (!c.livenessProbe) problems.push(`${cn}: no liveness probe`);
      if (!c.startupProbe) problems.push(`${cn}: no startup probe`);
      const res = c.resources || {};
      if (!(res.requests && res.requests.cpu && res.requests.memory)) problems.push(`${cn}: no cpu and memory requests`);
      if (!(res.limits && res.limits.memory)) problems.push(`${cn}: no memory limit`);
      if (!(res.limits && res.limits.cpu)) {
        problems.push(`${cn}: no cpu limit`);
      } else if (res.requests && res.requests.cpu && cpuCores(res.limits.cpu) < cpuCores(res.requests.cpu)) {
        problems.push(`${cn}: cpu limit below the request`);
      }
      const nonRoot = (sc.runAsNonRoot ?? psc.runAsNonRoot) === true;
      const uid = sc.runAsUser ?? psc.runAsUser;
      if (!nonRoot || uid === 0 || uid === undefined) problems.push(`${cn}: must run as a numeric non-root user`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${cn}: root filesystem must be read-only`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${cn}: privilege escalation must be off`);
      const drop = (sc.capabilities && sc.capabilities.drop) || [];
      if (!drop.includes('ALL')) problems.push(`${cn}: capabilities must drop ALL`);
      // Environment: only what the service reads; everything it requires.
      const service = podLabels['app.kubernetes.io/name'];
      const cfg = serviceConfigs[service];
      if (cfg) {
        const names = new Set((c.env || []).map((e) => e.name));
        for (const ef of c.envFrom || []) {
          if (ef.configMapRef) {
            const data = configMaps[ef.configMapRef.name];
            if (!data) problems.push(`${cn}: envFrom ConfigMap ${ef.configMapRef.name} not in the manifests`);
            for (const k of Object.keys(data || {})) names.add(k);
          }
        }
        const reads = new Set(cfg.reads);
        for (const v of names) {
          if (!reads.has(v) && !LIBPQ.has(v)) problems.push(`${cn}: sets ${v}, which ${service} does not read`);
        }
        for (const v of cfg.required) {
          if (!names.has(v)) problems.push(`${cn}: omits ${v}, which ${service} requires`);
        }
        // The pod must outlive the drain.
        const env = Object.fromEntries(
          [...(c.envFrom || [])].flatMap((ef) => Object.entries(configMaps[ef.configMapRef?.name] || {})));
        problems.push(...tlsProblems(cn, env, c, pod, objects));
        const drain = (Number(env.DRAIN_DELAY_MS || 2000) + Number(env.SHUTDOWN_GRACE_MS || 10000)) / 1000;
        if ((pod.terminationGracePeriodSeconds ?? 30) <= drain) {
          problems.push(`${n}: terminationGracePeriodSeconds must exceed the drain (${drain}s)`);
        }
      }
    }
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && labelsMatch(o.spec.selector, podLabels));
    if (!pdb) problems.push(`${n}: no PodDisruptionBudget`);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' &&
      o.spec.scaleTargetRef && o.spec.scaleTargetRef.kind === 'Deployment' &&
      o.spec.scaleTargetRef.name === d.metadata.name);
    if (!hpa) problems.push(`${n}: no HorizontalPodAutoscaler`);
    if (hpa && d.spec.replicas !== undefined) {
      problems.push(`${n}: sets replicas, which its HorizontalPodAutoscaler owns (an apply would reset them)`);
    }
    const spread = (pod.topologySpreadConstraints || []).some((t) =>
      t.topologyKey === 'kubernetes.io/hostname' && labelsMatch(t.labelSelector, podLabels));
    if (!spread) problems.push(`${n}: replicas not spread over nodes (topologySpreadConstraints on kubernetes.io/hostname)`);
  }
  // PostgreSQL comes from the operator (a Cluster), never a StatefulSet.
  for (const w of objects.filter((o) => o.kind === 'StatefulSet')) {
    const images = ((w.spec.template.spec || {}).containers || []).map((c) => c.image || '');
    if (images.some((i) => /(^|\/)postgres(ql)?(:|$)/.test(i))) {
      problems.push(`${name(w)}: PostgreSQL must come from the CloudNativePG operator (a Cluster), not a StatefulSet`);
    }
  }
  // Jobs and StatefulSets meet the restricted profile too.
  for (const w of objects.filter((o) => o.kind === 'Job' || o.kind === 'StatefulSet')) {
    const pod = w.spec.template.spec || {};
    const psc = pod.securityContext || {};
    if (!psc.seccompProfile || psc.seccompProfile.type !== 'RuntimeDefault') {
      problems.push(`${name(w)}: pod seccompProfile must be RuntimeDefault`);
    }
    for (const c of pod.containers || []) {
      const sc = c.securityContext || {};
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push(`${name(w)} container ${c.name}: must run as non-root`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${name(w)} container ${c.name}: privilege escalation must be off`);
      if (!((sc.capabilities && sc.capabilities.drop) || []).includes('ALL')) {
        problems.push(`${name(w)} container ${c.name}: capabilities must drop ALL`);
      }
    }
  }
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const labels = ns.metadata.labels || {};
    if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
      problems.push(`${name(ns)}: must enforce the restricted Pod Security profile`);
    }
  }
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    for (const p of (s.spec && s.spec.ports) || []) {
      if (!p.name) problems.push(`${name(s)}: port ${p.port} has no name`);
    }
  }
  return problems;
}

// Every alert's runbook annotation (docs/operations.md#anchor) must name a
// heading of that page.
export function checkRunbooks(objects, markdown) {
  const anchors = new Set(markdown.split('\n').filter((l) => /^#+ /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
  const problems = [];
  for (const o of objects.filter((x) => x.kind === 'PrometheusRule')) {
    for (const g of o.spec.groups || []) {
      for (const r of g.rules || []) {
        const link = r.annotations && r.annotations.runbook;
        if (!link) continue;
        const [file, anchor] = link.split('#');
        if (file !== 'docs/operations.md' || !anchors.has(anchor)) {
          problems.push(`${name(o)} ${r.alert}: runbook ${link} is no section of docs/operations.md`);
        }
      }
    }
  }
  return problems;
}
