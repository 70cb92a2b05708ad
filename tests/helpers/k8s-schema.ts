import type { Registered } from "../../plan/mocks";

/** Validates a built-in Kubernetes object against the Kubernetes schema; CRDs are not judged here. */
export function validateK8s(r: Registered): string | undefined {
  const m = /^kubernetes:(?:(.+)\/)?(v\d\w*):(\w+)$/.exec(r.type);
  if (!m) return undefined;
  const [, group, version, kind] = m;
  const modulePath =
    group && group !== "core"
      ? `kubernetes-models/${group}/${version}`
      : `kubernetes-models/${version}`;
  let mod: Record<string, new (o: object) => { validate(): void }>;
  try {
    mod = require(modulePath);
  } catch {
    return undefined; // a custom resource's group: judged by the CRD's own schema in the cluster
  }
  if (!mod[kind]) return undefined;
  try {
    new mod[kind](r.inputs).validate();
    return undefined;
  } catch (e) {
    return `${r.name} (${r.type}): ${(e as Error).message}`;
  }
}
