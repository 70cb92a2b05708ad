import type { Registered } from "./mocks";
import { forEachScaled, memoryGi } from "./requests";

/** Persistent volumes of one size and class that a resource makes the cluster's CSI driver create. */
export interface VolumeClaims {
  /** Volumes: claims × the replica count of the workload that claims them. */
  count: number;
  /** Size of each, in whole GiB. */
  gb: number;
  /** Storage class the claim names; absent for the cluster's default class. */
  storageClass?: string;
}

/**
 * Where each resource type keeps its claims. CronJobs and Jobs are left out on purpose: the
 * ephemeral volume of a backup dump's pod exists only while the job runs and is deleted with the
 * pod, so it is not a monthly volume. Deployments only mount claims made elsewhere.
 */
const SOURCES: Record<string, (inputs: Record<string, any>) => unknown> = {
  "kubernetes:core/v1:PersistentVolumeClaim": (i) => i.spec,
  "kubernetes:apps/v1:StatefulSet": (i) => i.spec,
  "kubernetes:postgresql.cnpg.io/v1:Cluster": (i) => i.spec,
  "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch": (i) => i.spec,
  "kubernetes:helm.sh/v3:Release": (i) => i.values,
};

/** Resource types that can carry persistent volumes, for the pricers. */
export const VOLUME_TYPES = Object.keys(SOURCES);

type Sized = { size?: unknown; storageClass?: unknown };

/**
 * Volume shapes found under a key. Any object with `resources.requests.storage` is a claim spec
 * (a PersistentVolumeClaim's spec, StatefulSet and Elasticsearch `volumeClaimTemplates[].spec`,
 * kube-prometheus-stack `storage.volumeClaimTemplate.spec`) and is read where it is found.
 */
const KEYED: Record<string, (v: Record<string, any>) => Sized | undefined> = {
  // Chart convention (Loki targets, Grafana); Loki's write and backend targets also know
  // `volumeClaimsEnabled`.
  persistence: (v) =>
    v.enabled === false || v.volumeClaimsEnabled === false
      ? undefined
      : { size: v.size, storageClass: v.storageClass },
  // CloudNativePG: a data volume and, when set, a WAL volume for every instance.
  storage: (v) => ({ size: v.size, storageClass: v.storageClass }),
  walStorage: (v) => ({ size: v.size, storageClass: v.storageClass }),
};

/** Calls `add` for every volume size found in an object, with the nearest enclosing replica count. */
function walk(node: unknown, add: (count: number, size: unknown, storageClass: unknown) => void) {
  forEachScaled(node, (o, { count }) => {
    const requested = o.resources?.requests?.storage;
    if (requested !== undefined) add(count, requested, o.storageClassName);
    const read: string[] = [];
    for (const [k, v] of Object.entries(o)) {
      const shape = KEYED[k] && v && typeof v === "object" ? KEYED[k](v) : undefined;
      // A key without a size is something else of that name (Loki's `storage` backend, the
      // Alertmanager `storage` that wraps a claim template): it is looked into instead.
      if (shape?.size === undefined) continue;
      add(count, shape.size, shape.storageClass);
      read.push(k);
    }
    return read;
  });
}

/**
 * The persistent volumes a registered Kubernetes resource asks for, grouped by size and class.
 * Sizes are GiB (what every claim here requests, `…Gi`), rounded up to whole GiB as the CSI
 * drivers provision them; the providers bill those units at the price their lists call per GB.
 */
export function persistentVolumes(r: Pick<Registered, "type" | "inputs">): VolumeClaims[] {
  const source = SOURCES[r.type];
  if (!source) return [];
  const groups = new Map<string, VolumeClaims>();
  walk(source(r.inputs), (count, size, storageClass) => {
    const gb = Math.ceil(memoryGi(size));
    if (count <= 0 || gb <= 0) return;
    const cls = typeof storageClass === "string" && storageClass ? storageClass : undefined;
    const key = `${gb}/${cls ?? ""}`;
    const group = groups.get(key);
    if (group) group.count += count;
    else groups.set(key, { count, gb, ...(cls ? { storageClass: cls } : {}) });
  });
  return [...groups.values()];
}

/** GiB of all the volumes together. */
export const totalGb = (claims: VolumeClaims[]) => claims.reduce((n, c) => n + c.count * c.gb, 0);
