// The bundled example image (examples/layout), byte-exact, in a registry started by the test harness,
// with the example compatibility spec attached by imgcompat itself: the artifact `validate-node
// --image` finds there is the one examples/layout holds.
import { join } from 'node:path';
import { root } from './seed-spec.mjs';

/**
 * Copies examples/layout:app to `<registry>/example/app:app` with skopeo and attaches
 * examples/image-spec.yaml with `node cli attach`. `h` is the compiled test harness, `env` the
 * isolated environment the benchmark runs imgcompat in. Returns the image reference.
 */
export async function pushExampleImage(h, reg, { node, cli, env }) {
  const ref = `${reg.host}/example/app:app`;
  await h.execOk(
    h.mustTool('skopeo'),
    [
      'copy',
      '--preserve-digests',
      '--quiet',
      '--insecure-policy',
      '--dest-tls-verify=false',
      `oci:${join(root, 'examples', 'layout')}:app`,
      `docker://${ref}`,
    ],
    // skopeo reads registries.conf and auth files from HOME: keep it inside the isolated one.
    { env: { ...process.env, HOME: env.HOME, REGISTRY_AUTH_FILE: join(env.HOME, 'auth.json') } },
  );
  await h.execOk(node, [cli, 'attach', ref, 'examples/image-spec.yaml', '--plain-http'], { env, cwd: root });
  return ref;
}
