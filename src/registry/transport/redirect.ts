/**
 * Redirect policy. fetch runs with `redirect: 'manual'` so that we decide: follow up to 10 hops,
 * refuse an https → http downgrade, and drop credentials (Authorization) whenever the origin changes
 * (distribution-spec main: clients MUST NOT forward Authorization across hosts; OCI distribution-spec main (after v1.1.1); oras-go v2 registry/remote/auth/client.go).
 */

export const MAX_REDIRECTS = 10;
export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type RedirectDecision =
  | { follow: true; url: URL; keepAuthorization: boolean; method: string; keepBody: boolean }
  | { follow: false; reason: string };

export function decideRedirect(
  from: URL,
  status: number,
  location: string | null,
  method: string,
  hops: number,
): RedirectDecision {
  if (!location) return { follow: false, reason: `HTTP ${status} redirect without a Location header` };
  if (hops >= MAX_REDIRECTS) return { follow: false, reason: `more than ${MAX_REDIRECTS} redirects` };
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return { follow: false, reason: 'redirect to an invalid URL' };
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    return { follow: false, reason: `redirect to unsupported scheme ${to.protocol}` };
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    return { follow: false, reason: 'refused a redirect from https to plain http' };
  }
  // 303 always becomes GET; 301/302 turn a POST into GET as browsers do; 307/308 keep method and body.
  let nextMethod = method;
  if (status === 303 && method !== 'HEAD') nextMethod = 'GET';
  if ((status === 301 || status === 302) && method === 'POST') nextMethod = 'GET';
  return {
    follow: true,
    url: to,
    keepAuthorization: to.origin === from.origin,
    method: nextMethod,
    keepBody: nextMethod === method,
  };
}
