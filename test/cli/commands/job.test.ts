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

test('imgcompat job refuses an invalid image, node name, namespace or Job name: exit 2 naming the flag', async () => {
  for (const [args, flag] of [
    [['--image', 'Not A Ref'], '--image'],
    [['--image', 'reg.example/app:1', '--job-image', 'reg.example/UPPER:1'], '--job-image'],
    [['--image', 'reg.example/app:1', '--node', 'Bad_Node!'], '--node'],
    [['--image', 'reg.example/app:1', '--node', `n${'x'.repeat(253)}`], '--node'],
    [['--image', 'reg.example/app:1', '--namespace', 'a.b'], '--namespace'],
    [['--image', 'reg.example/app:1', '--namespace', 'NS'], '--namespace'],
    [['--image', 'reg.example/app:1', '--name', 'x'.repeat(64)], '--name'],
  ] as const) {
    const io = memoryIo();
    assert.equal(await run(['job', ...args], io), 2, `${args.join(' ')}: ${io.err()}`);
    assert.match(io.err(), new RegExp(`${flag}\\b`));
    assert.equal(io.out(), '');
  }
  const io = memoryIo();
  assert.equal(
    await run(['job', '--image', 'reg.example/app:1', '--node', 'ip-10-0-0-1.ec2.internal'], io),
    0,
    io.err(),
  );
});
