/**
 * The parts of @kubernetes/client-node imgcompat uses, named one by one so the bundler keeps only
 * these (the whole library is several times larger than the rest of the CLI).
 */
export { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
