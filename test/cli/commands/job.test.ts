import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

test('imgcompat job prints a YAML Job manifest', async () => {
  const io = memoryIo();
  const code = await run(['job', '--image', 'reg.example/app:1', '--node', 'n1', '--namespace', 'ns'], io);
  assert.equal(code, 0, io.err());
  const job = parse(io.out());
  assert.equal(job.kind, 'Job');
  assert.equal(job.spec.template.spec.nodeName, 'n1');
  assert.equal(job.metadata.namespace, 'ns');
});

test('imgcompat job -o json prints JSON', async () => {
  const io = memoryIo();
  assert.equal(await run(['job', '--image', 'r.example/a:1', '-o', 'json'], io), 0);
  assert.equal(JSON.parse(io.out()).apiVersion, 'batch/v1');
});

test('imgcompat job without --image is a usage error naming the flag', async () => {
  const io = memoryIo();
  assert.equal(await run(['job'], io), 2);
  assert.match(io.err(), /--image/);
});

test('imgcompat job rejects a bad --deadline naming the flag', async () => {
  const io = memoryIo();
  assert.equal(await run(['job', '--image', 'r.example/a:1', '--deadline', 'soon'], io), 2);
  assert.match(io.err(), /--deadline/);
});
