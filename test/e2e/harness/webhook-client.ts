/** Requests to a webhook server started in-process (src/k8s/webhook/server.ts), over TLS with its test CA. */
import { request } from 'node:https';

export interface WebhookAnswer {
  status: number;
  text: string;
}

/** Sends `method path` (`body` JSON-encoded) to the webhook on 127.0.0.1:`port`, trusting only `ca`. */
export function callWebhook(
  port: number,
  ca: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<WebhookAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ca }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * An AdmissionReview (admission.k8s.io/v1) asking to CREATE `pod`, as the API server sends it;
 * `request` adds or replaces fields of its request (uid, operation, ...).
 */
export function podReview<P>(pod: P, request: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      object: pod,
      ...request,
    },
  };
}
