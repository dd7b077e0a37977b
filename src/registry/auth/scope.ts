/**
 * Token scopes (distribution token spec): `repository:<name>:<actions>`, actions `pull`, `push`,
 * `delete` or `*`. Like oras-go we merge the caller's hints with the challenge's scope, unite the
 * actions per resource, and sort, so that one token per host + scope set can be cached.
 */

export function repositoryScope(repository: string, ...actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Unites scopes: same `type:name` → union of actions; result sorted and deduplicated. */
export function mergeScopes(...lists: (readonly string[] | undefined)[]): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  for (const list of lists) {
    for (const raw of list ?? []) {
      for (const scope of raw.split(' ')) {
        if (!scope) continue;
        const lastColon = scope.lastIndexOf(':');
        const firstColon = scope.indexOf(':');
        if (firstColon < 0 || lastColon === firstColon) {
          opaque.add(scope);
          continue;
        }
        const resource = scope.slice(0, lastColon);
        const set = byResource.get(resource) ?? new Set<string>();
        for (const a of scope.slice(lastColon + 1).split(',')) if (a) set.add(a);
        byResource.set(resource, set);
      }
    }
  }
  const out: string[] = [...opaque];
  for (const [resource, actions] of byResource) {
    const list = actions.has('*') ? ['*'] : [...actions].sort();
    out.push(`${resource}:${list.join(',')}`);
  }
  return out.sort();
}

/** True when every action of every scope in `needed` is granted by `held`. */
export function scopesCover(held: readonly string[], needed: readonly string[]): boolean {
  const merged = mergeScopes(held);
  return mergeScopes(held, needed).every((s) => merged.includes(s));
}
