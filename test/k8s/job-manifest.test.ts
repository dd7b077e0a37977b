import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildValidateJob, dnsLabel, HOST_MOUNTS } from '../../src/k8s/job-manifest.ts';

// biome-ignore lint/suspicious/noExplicitAny: walking a plain manifest object
type Any = any;

const base = { image: 'reg.example/app:1', jobImage: 'reg.example/imgcompat:1', namespace: 'tools' };

test('the Job pins the node, mounts host paths read-only at /host- and runs as non-root', () => {
  const job: Any = buildValidateJob({ ...base, node: 'worker-1' });
  const pod = job.spec.template.spec;
  assert.equal(pod.nodeName, 'worker-1');
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const c = pod.containers[0];
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  assert.deepEqual(c.args, ['validate-node', '--image', 'reg.example/app:1', '--host-prefix', '/host-']);
  for (const m of HOST_MOUNTS) {
    const mount = c.volumeMounts.find((v: Any) => v.name === m.name);
    assert.equal(mount.mountPath, m.mountPath);
    assert.equal(mount.readOnly, true);
    assert.equal(pod.volumes.find((v: Any) => v.name === m.name).hostPath.path, m.hostPath);
  }
  assert.ok(
    c.env.some((e: Any) => e.name === 'NODE_NAME' && e.valueFrom.fieldRef.fieldPath === 'spec.nodeName'),
  );
  assert.equal(job.metadata.namespace, 'tools');
  assert.equal(job.metadata.name, 'imgcompat-validate-worker-1');
});

test('registry credentials come from a Secret and the CA is mounted and passed to the CLI', () => {
  const job: Any = buildValidateJob({
    ...base,
    registrySecret: 'regcred',
    caConfigMap: 'registry-ca:bundle.pem',
  });
  const pod = job.spec.template.spec;
  const c = pod.containers[0];
  const auth = pod.volumes.find((v: Any) => v.name === 'registry-auth');
  assert.equal(auth.secret.secretName, 'regcred');
  assert.deepEqual(auth.secret.items, [{ key: '.dockerconfigjson', path: 'config.json' }]);
  const dockerConfig = c.env.find((e: Any) => e.name === 'DOCKER_CONFIG').value;
  assert.ok(c.volumeMounts.some((m: Any) => m.name === 'registry-auth' && m.mountPath === dockerConfig));
  const ca = pod.volumes.find((v: Any) => v.name === 'registry-ca');
  assert.deepEqual(ca.configMap, { name: 'registry-ca', items: [{ key: 'bundle.pem', path: 'ca.crt' }] });
  const caMount = c.volumeMounts.find((m: Any) => m.name === 'registry-ca');
  const i = c.args.indexOf('--ca-file');
  assert.equal(c.args[i + 1], `${caMount.mountPath}/ca.crt`);
  // No credential material inline anywhere in the manifest.
  assert.ok(!c.env.some((e: Any) => /PASSWORD|TOKEN|AUTH/i.test(e.name)));
  assert.ok(!c.args.some((a: string) => a.startsWith('--registry-')));
});

test('flags are passed through and final exit codes fail the Job without retry', () => {
  const job: Any = buildValidateJob({
    ...base,
    tags: ['a', 'b'],
    platform: 'linux/arm64',
    plainHttp: true,
    output: 'json',
  });
  const args = job.spec.template.spec.containers[0].args;
  assert.deepEqual(args.slice(5), [
    '--tags',
    'a,b',
    '--platform',
    'linux/arm64',
    '--plain-http',
    '--output',
    'json',
  ]);
  const rule = job.spec.podFailurePolicy.rules[0];
  assert.equal(rule.action, 'FailJob');
  assert.ok(rule.onExitCodes.values.includes(1));
  assert.ok(!rule.onExitCodes.values.includes(4));
  assert.deepEqual(
    rule.onExitCodes.values,
    [1, 2, 3, 5, 6],
    'every verdict and bad input is final; only 4 is retried',
  );
});

test('dnsLabel makes valid DNS-1123 labels', () => {
  assert.equal(dnsLabel('Imgcompat_Validate.Node--A'), 'imgcompat-validate-node-a');
  assert.equal(dnsLabel('a'.repeat(80)).length, 63);
  assert.equal(dnsLabel('***'), 'x');
});
