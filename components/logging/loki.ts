/**
 * Pure planning for the Loki backend: chart pin, deployment mode and Helm values. No resources are
 * created here.
 */
import type { StackConfig } from "../../config";
import { restrictedPod } from "../apps/pod";

/** Loki chart, the last release published to grafana's repository (the chart moved to a community repository with 7.x). */
export const LOKI_CHART = {
  repo: "https://grafana.github.io/helm-charts",
  chart: "loki",
  version: "6.55.0",
} as const;

export const LOKI_HTTP_PORT = 3100;
export const LOKI_GRPC_PORT = 9095;
export const LOKI_MEMBERLIST_PORT = 7946;

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** How Loki runs: one binary on a filesystem volume, or read/write/backend targets on object storage. */
export interface LokiTopology {
  mode: "SingleBinary" | "SimpleScalable";
  /** Replicas of the single binary, or of each of read, write and backend. */
  replicas: number;
  storage: "filesystem" | "s3";
}

/** The stack's `logging.loki`: the deployment mode asked for and each pod's resources. */
export type LokiConfig = StackConfig["logging"]["loki"];

/**
 * The mode asked for where it can run. The chart refuses more than one single-binary replica
 * without object storage, and SimpleScalable needs object storage too, so SimpleScalable (three of
 * each target) runs only when a bucket is given; otherwise one single binary on a volume.
 */
export function lokiTopology(mode: LokiConfig["mode"], hasObjectStorage: boolean): LokiTopology {
  if (mode === "SimpleScalable" && hasObjectStorage)
    return { mode: "SimpleScalable", replicas: 3, storage: "s3" };
  return { mode: "SingleBinary", replicas: 1, storage: hasObjectStorage ? "s3" : "filesystem" };
}

/** Placement of a pod in Helm values: nodeSelector and tolerations. */
export interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string; operator: string; value: string; effect: string }[];
}

/** Object storage for chunks and indexes (SimpleScalable, or SingleBinary when a bucket exists). */
export interface LokiBucket {
  endpoint: string;
  region: string;
  bucket: string;
  /** Keys come from the environment (a Secret), a role from the service account. */
  credentials: "keys" | "role";
}

const restrictedContainerContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** A volume of the single binary: the chart 6.55 key is `persistence.enabled`. */
interface SingleBinaryVolume {
  enabled: boolean;
  size: string;
  storageClass: string | null;
  enableStatefulSetAutoDeletePVC: boolean;
}

/** A volume of the write and backend targets: chart 6.55 names the switch `volumeClaimsEnabled`. */
interface TargetVolume {
  volumeClaimsEnabled: boolean;
  size: string;
  storageClass: string | null;
  enableStatefulSetAutoDeletePVC: boolean;
}

/**
 * Affinity over the chart's default, which is a hard (required) anti-affinity per target on
 * `kubernetes.io/hostname` (production/helm/loki/values.yaml at helm-loki-6.55.0). Helm merges
 * maps key by key, so the hard rule goes only when set to null; the same term comes back as a
 * preference.
 */
interface SoftAntiAffinity {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: null;
    preferredDuringSchedulingIgnoredDuringExecution: {
      weight: number;
      podAffinityTerm: {
        labelSelector: { matchLabels: Record<string, string> };
        topologyKey: string;
      };
    }[];
  };
}

interface LokiTarget<Volume = never> {
  replicas: number;
  resources?: Resources;
  nodeSelector?: Record<string, string>;
  tolerations?: Placement["tolerations"];
  affinity?: SoftAntiAffinity;
  persistence?: Volume;
  extraArgs?: string[];
  extraEnvFrom?: { secretRef: { name: string } }[];
}

/** The Loki chart values this program sets (chart 6.x). */
export interface LokiValues {
  deploymentMode: LokiTopology["mode"];
  fullnameOverride: string;
  loki: {
    auth_enabled: boolean;
    commonConfig: { replication_factor: number };
    storage: {
      type: "filesystem" | "s3";
      bucketNames?: { chunks: string; ruler: string; admin: string };
      s3?: {
        endpoint: string;
        region: string;
        s3ForcePathStyle: boolean;
        accessKeyId?: string;
        secretAccessKey?: string;
      };
    };
    schemaConfig: {
      configs: {
        from: string;
        store: "tsdb";
        object_store: "filesystem" | "s3";
        schema: "v13";
        index: { prefix: string; period: "24h" };
      }[];
    };
    limits_config: { retention_period: string };
    compactor: {
      retention_enabled: boolean;
      delete_request_store: "filesystem" | "s3";
      working_directory: string;
    };
    analytics: { reporting_enabled: boolean };
    podSecurityContext: ReturnType<typeof restrictedPod>;
    containerSecurityContext: typeof restrictedContainerContext;
  };
  singleBinary: LokiTarget<SingleBinaryVolume>;
  read: LokiTarget;
  write: LokiTarget<TargetVolume>;
  backend: LokiTarget<TargetVolume>;
  serviceAccount: { annotations: Record<string, string> };
  gateway: { enabled: boolean };
  chunksCache: { enabled: boolean };
  resultsCache: { enabled: boolean };
  lokiCanary: { enabled: boolean };
  test: { enabled: boolean };
  sidecar: { rules: { enabled: boolean } };
  minio: { enabled: boolean };
}

export interface LokiValuesOptions {
  loki: LokiConfig;
  retentionDays: number;
  storageGb: number;
  storageClass: string;
  placement: Placement;
  bucket?: LokiBucket;
  /** Secret holding AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when the bucket uses keys. */
  credentialsSecret?: string;
  /** Service account annotations (IRSA) when the bucket uses a role. */
  serviceAccountAnnotations?: Record<string, string>;
}

/** The chart's anti-affinity term for a target (release "loki"), as a preference instead of a rule. */
export function softAntiAffinity(target: "read" | "write" | "backend"): SoftAntiAffinity {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: null,
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            labelSelector: {
              matchLabels: {
                "app.kubernetes.io/component": target,
                "app.kubernetes.io/name": "loki",
                "app.kubernetes.io/instance": "loki",
              },
            },
            topologyKey: "kubernetes.io/hostname",
          },
        },
      ],
    },
  };
}

/**
 * Loki values: retention `retentionDays` through limits_config.retention_period, enforced by the
 * compactor (retention_enabled), a volume of `storageGb` on the cluster's storage class.
 */
export function lokiValues(o: LokiValuesOptions): LokiValues {
  const topo = lokiTopology(o.loki.mode, !!o.bucket);
  const store = topo.storage;
  const resources = o.loki.resources;
  const volume = {
    size: `${o.storageGb}Gi`,
    storageClass: o.storageClass || null,
    // Logs outlive a chart reinstall: the volume stays when the StatefulSet goes.
    enableStatefulSetAutoDeletePVC: false,
  };
  const envFrom = o.credentialsSecret ? [{ secretRef: { name: o.credentialsSecret } }] : undefined;
  // Keys reach the config through environment variables, never through the values.
  const expandEnv = envFrom ? ["-config.expand-env=true"] : undefined;
  const placed = (replicas: number) => ({
    replicas,
    resources,
    ...o.placement,
    extraArgs: expandEnv,
    extraEnvFrom: envFrom,
  });
  // Three replicas of a target share the monitoring pool, which a stack may give fewer than three
  // nodes (one, as the documents' single monitoring server): the chart's one-per-node rule would
  // leave the rest pending, so replicas spread over nodes where they can and share one where not.
  // The single binary keeps the chart's rule: one replica always has a node of its own.
  const scaled = (target: "read" | "write" | "backend") => ({
    ...placed(topo.replicas),
    affinity: softAntiAffinity(target),
  });
  const single = topo.mode === "SingleBinary";
  return {
    deploymentMode: topo.mode,
    fullnameOverride: "loki",
    loki: {
      // One tenant: the platform's own logs, reached only from inside the cluster.
      auth_enabled: false,
      commonConfig: { replication_factor: single ? 1 : 3 },
      storage:
        store === "s3" && o.bucket
          ? {
              type: "s3",
              bucketNames: {
                chunks: o.bucket.bucket,
                ruler: o.bucket.bucket,
                admin: o.bucket.bucket,
              },
              s3: {
                endpoint: o.bucket.endpoint,
                region: o.bucket.region,
                s3ForcePathStyle: true,
                ...(o.bucket.credentials === "keys"
                  ? {
                      accessKeyId: "${AWS_ACCESS_KEY_ID}",
                      secretAccessKey: "${AWS_SECRET_ACCESS_KEY}",
                    }
                  : {}),
              },
            }
          : { type: "filesystem" },
      schemaConfig: {
        configs: [
          {
            from: "2024-04-01",
            store: "tsdb",
            object_store: store,
            schema: "v13",
            index: { prefix: "index_", period: "24h" },
          },
        ],
      },
      limits_config: { retention_period: `${o.retentionDays * 24}h` },
      compactor: {
        retention_enabled: true,
        delete_request_store: store,
        working_directory: "/var/loki/compactor",
      },
      analytics: { reporting_enabled: false },
      podSecurityContext: restrictedPod(10001),
      containerSecurityContext: restrictedContainerContext,
    },
    singleBinary: single
      ? { ...placed(topo.replicas), persistence: { enabled: true, ...volume } }
      : { replicas: 0 },
    write: single
      ? { replicas: 0 }
      : { ...scaled("write"), persistence: { volumeClaimsEnabled: true, ...volume } },
    read: single ? { replicas: 0 } : scaled("read"),
    backend: single
      ? { replicas: 0 }
      : { ...scaled("backend"), persistence: { volumeClaimsEnabled: true, ...volume } },
    serviceAccount: { annotations: o.serviceAccountAnnotations ?? {} },
    // Clients reach the Loki services directly; the nginx gateway, caches, canary and Helm test
    // are more pods than a one-tenant, in-cluster Loki needs.
    gateway: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    sidecar: { rules: { enabled: false } },
    minio: { enabled: false },
  };
}

/** Where clients push and query, for a release whose fullname is "loki". */
export function lokiEndpoints(mode: LokiTopology["mode"], namespace: string) {
  const svc = (name: string) => `http://${name}.${namespace}.svc.cluster.local:${LOKI_HTTP_PORT}`;
  return mode === "SingleBinary"
    ? { push: `${svc("loki")}/loki/api/v1/push`, query: svc("loki") }
    : { push: `${svc("loki-write")}/loki/api/v1/push`, query: svc("loki-read") };
}
