/**
 * Registries on ports the Fetch standard blocks ("bad port": 6000, 6667, 10080, ...): fetch refuses them,
 * a registry may listen there. A real docker-registry on the first such port that binds: attach, discover
 * and get work as on any other port.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertExit,
  imgcompat,
  missingTools,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo');
// Ports on fetch.spec.whatwg.org's bad-port list, all above 1023 (no privilege needed to bind).
const BAD_PORTS = [10080, 6666, 6667, 6668, 6669, 6665, 6000, 6566, 6679, 6697, 4190, 5060, 5061];

describe('a registry on a port fetch blocks', { skip }, () => {
  let reg: TestRegistry | undefined;
  before(async () => {
    reg = await startDockerRegistry({ ports: BAD_PORTS });
  });
  after(() => reg?.stop());

  test('attach, discover and get work', async () => {
    const r = reg!;
    const port = Number(r.host.split(':').pop());
    assert.ok(BAD_PORTS.includes(port), r.host);
    const img = await pushImage(r, 'blocked/app', 'v1');
    assertExit(
      await imgcompat(['attach', img.ref, writeSpec(validSpec('port')), '--plain-http']),
      0,
      'attach',
    );
    const d = await imgcompat(['discover', img.ref, '--plain-http', '--output', 'json']);
    assertExit(d, 0, 'discover');
    assert.equal(JSON.parse(d.out).referrers.length, 1);
    const got = await imgcompat(['get', img.ref, '--plain-http']);
    assertExit(got, 0, 'get');
    assert.equal(got.out, validSpec('port'));
  });
});
