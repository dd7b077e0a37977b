// Issue 6 item 7: HTTP requests and wall time for discover+get of the newest compatibility artifact,
// on each registry type (docker-registry 2.8: no referrers API, so the sha256-<hex> tag schema;
// go-containerregistry's registry: referrers API), anonymous and with a token (docker-registry with the
// e2e token server: an anonymous pull token, and a user's token from --registry-username/-password-stdin).
// Requests are counted by the e2e fault proxy in front of each real registry (no faults injected), token
// requests by the token server. Target: no more requests than the protocol needs: resolve (HEAD),
// referrers (+ the fallback tag GET where the API is missing), artifact manifest GET, blob GET, plus per
// token scope one 401 challenge and one token request. go-containerregistry's referrers descriptors carry
// the config media type as artifactType, so there the true type can only be learnt by reading each
// referrer's manifest: one manifest GET per referrer is needed (and the chosen one needs no second read).
// Needs the e2e test tools (scripts/install-test-deps.sh) and a build (npm run build).

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { root } from './lib/seed-spec.mjs';

const ITERATIONS = 15;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function load(rel) {
  return import(pathToFileURL(join(root, 'build', rel)).href);
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const missing = ['docker-registry', 'skopeo', 'imgcompat-ggcr-registry', 'oras'].filter(
    (t) => !h.toolPath(t),
  );
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run scripts/install-test-deps.sh`);

  const started = [];
  const proxies = [];
  try {
    const [dist, token, ggcr] = await Promise.all([
      h.startDockerRegistry(),
      h.startDockerRegistry({ auth: 'token' }),
      h.startGgcrRegistry(),
    ]);
    started.push(dist, token, ggcr);

    const scenarios = [
      { name: 'docker-registry anonymous', reg: dist, creds: false },
      { name: 'docker-registry anonymous token', reg: token, creds: false },
      { name: 'docker-registry user token', reg: token, creds: true },
      { name: 'go-containerregistry (referrers API) anonymous', reg: ggcr, creds: false },
    ];
    const REFERRERS = 3;
    /** The requests the protocol needs for `get` (fetch = true) or `discover` on this registry. */
    const minimum = (reg, fetch) => {
      let n = 1 + 1 + (reg.referrersApi ? 0 : 1); // resolve, referrers (API or 404), fallback tag GET
      const quirk = reg.kind === 'ggcr';
      if (quirk) n += REFERRERS; // read each referrer's manifest to learn its artifactType
      if (fetch) n += (quirk ? 0 : 1) + 1; // the newest artifact's manifest, its spec blob
      if (reg.tokenServer) n += 2; // one 401 challenge and one token request for the pull scope
      return n;
    };
    const results = {};
    const prepared = new Map();
    for (const sc of scenarios) {
      // One image per registry with three artifacts (oras attach, distinct created dates): the client
      // must list all and fetch only the newest.
      let prep = prepared.get(sc.reg);
      if (!prep) {
        const img = await h.pushImage(sc.reg, 'bench/app', 'v1');
        for (const year of ['2023', '2025', '2024']) {
          await h.orasAttach(sc.reg, img.ref, h.writeSpec(h.validSpec(`bench ${year}`)), {
            annotations: { 'org.opencontainers.image.created': `${year}-01-01T00:00:00Z` },
          });
        }
        const proxy = await h.startFaultProxy(`http://${sc.reg.host}`);
        proxies.push(proxy);
        prep = { img, proxy };
        prepared.set(sc.reg, prep);
      }
      const { proxy } = prep;
      const ref = `${proxy.host}/bench/app:v1`;
      const flags = ['--plain-http'];
      let stdin;
      if (sc.creds) {
        flags.push('--registry-username', sc.reg.credentials.username, '--registry-password-stdin');
        stdin = sc.reg.credentials.password;
      }
      const env = h.isolatedEnv();
      const measure = async (argv, fetch) => {
        const times = [];
        let counts;
        let tokenRequests = 0;
        for (let i = 0; i < ITERATIONS; i++) {
          proxy.reset();
          sc.reg.tokenServer?.resetCounts();
          const t0 = performance.now();
          const r = await h.imgcompat([...argv, ref, ...flags], { stdin, env });
          times.push(performance.now() - t0);
          if (r.code !== 0)
            throw new Error(`${sc.name}: imgcompat ${argv.join(' ')} exited ${r.code}: ${r.err}`);
          counts = proxy.counts();
          tokenRequests = sc.reg.tokenServer?.requests.length ?? 0;
        }
        const registryRequests = Object.values(counts).reduce((a, b) => a + b, 0);
        const needed = minimum(sc.reg, fetch);
        return {
          registryRequests,
          tokenRequests,
          totalRequests: registryRequests + tokenRequests,
          protocolMinimum: needed,
          extraRequests: registryRequests + tokenRequests - needed,
          requestsByClass: counts,
          medianWallMs: Math.round(median(times) * 10) / 10,
          iterations: ITERATIONS,
        };
      };
      results[sc.name] = {
        // `get` alone is the whole discover+get flow: resolve, list referrers, pick the newest, fetch it.
        get: await measure(['get'], true),
        discover: await measure(['discover', '--output', 'json'], false),
      };
    }
    return results;
  } finally {
    for (const p of proxies) await p.close();
    for (const r of started) await r.stop();
  }
}
