/** The end-to-end test harness: real registries, real clients (skopeo, oras), a fault proxy. */

export * from './assertions.ts';
export * from './certs.ts';
export * from './cli.ts';
export * from './fault-proxy.ts';
export * from './fixtures.ts';
export * from './images.ts';
export * from './oras.ts';
export * from './proc.ts';
export * from './proxy.ts';
export * from './registries.ts';
export * from './registry-api.ts';
export * from './token-server.ts';
export * from './tools.ts';
export * from './webhook-client.ts';
