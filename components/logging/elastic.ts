/**
 * Pure planning for the Elasticsearch backend (self-hosted §4.2, centralized logging with the ELK
 * stack), run by Elastic Cloud on Kubernetes (ECK). No resources are created here.
 */
import { restrictedPod } from "../apps/pod";
import type { Placement, Resources } from "./loki";

/** ECK operator chart (https://helm.elastic.co); 3.5.0 is the August 2026 release. */
export const ECK_CHART = {
  repo: "https://helm.elastic.co",
  chart: "eck-operator",
  version: "3.5.0",
} as const;

/**
 * Elastic Stack version for Elasticsearch, Kibana and Filebeat. Self-hosted §4.2 runs 8.11.0; the
 * program runs the newest 8.x patch (8.19.20) for its security fixes, same major, same settings.
 */
export const ELASTIC_VERSION = "8.19.20";

/** Self-hosted §4.2: ES_JAVA_OPTS=-Xms2g -Xmx2g. */
export const ES_JAVA_OPTS = "-Xms2g -Xmx2g";

/** Heap is at most half the container memory (the rest is file-system cache): 2 GB heap, 4 GB pod. */
export const ELASTICSEARCH_RESOURCES: Resources = {
  requests: { cpu: "1", memory: "4Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
export const KIBANA_RESOURCES: Resources = {
  requests: { cpu: "250m", memory: "1Gi" },
  limits: { cpu: "1", memory: "1Gi" },
};
export const FILEBEAT_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "200Mi" },
  limits: { cpu: "500m", memory: "500Mi" },
};

/** Name of the ILM policy Filebeat installs for its data stream. */
export const ILM_POLICY = "platform-logs";

/**
 * Index lifecycle: roll the backing index daily (or at 50 GB a primary shard) and delete it
 * `retentionDays` after rollover, so no log is kept much past the configured retention.
 */
export function ilmPolicy(retentionDays: number) {
  return {
    policy: {
      phases: {
        hot: { actions: { rollover: { max_age: "1d", max_primary_shard_size: "50gb" } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
      },
    },
  };
}

/** The Elastic images run as uid 1000. */
const elasticPod = restrictedPod(1000);
const restrictedContainer = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};

/**
 * ECK merges containers by name into the ones it builds, init containers included, so naming its
 * init containers here gives them the restricted security context the namespace enforces.
 */
const restrictedInit = (names: string[]) =>
  names.map((name) => ({ name, securityContext: restrictedContainer }));

export interface ElasticsearchOptions {
  name: string;
  namespace: string;
  /**
   * Elasticsearch nodes (`logging.elasticsearch.nodes`): self-hosted §4.2 runs one
   * (discovery.type=single-node), production tiers a quorum of three. @example 3
   */
  nodes: number;
  storageGb: number;
  storageClass: string;
  placement: Placement;
}

/** The Elasticsearch resource's spec (elasticsearch.k8s.elastic.co/v1). */
export function elasticsearchSpec(o: ElasticsearchOptions) {
  const volume: Record<string, unknown> = {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: `${o.storageGb}Gi` } },
  };
  if (o.storageClass) volume.storageClassName = o.storageClass;
  return {
    version: ELASTIC_VERSION,
    // The log volumes stay when the resource is deleted; only a scale-down removes one.
    volumeClaimDeletePolicy: "DeleteOnScaledownOnly",
    nodeSets: [
      {
        name: "default",
        count: o.nodes,
        config: {
          // Without mmap no privileged init container has to raise vm.max_map_count on the node.
          "node.store.allow_mmap": false,
        },
        podTemplate: {
          spec: {
            securityContext: elasticPod,
            ...o.placement,
            initContainers: restrictedInit([
              "elastic-internal-init-filesystem",
              "elastic-internal-suspend",
            ]),
            containers: [
              {
                name: "elasticsearch",
                env: [{ name: "ES_JAVA_OPTS", value: ES_JAVA_OPTS }],
                resources: ELASTICSEARCH_RESOURCES,
                securityContext: restrictedContainer,
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: "elasticsearch-data" }, spec: volume }],
      },
    ],
  };
}

/** The Kibana resource's spec (kibana.k8s.elastic.co/v1), connected to the log cluster. */
export function kibanaSpec(o: { elasticsearch: string; placement: Placement }) {
  return {
    version: ELASTIC_VERSION,
    count: 1,
    elasticsearchRef: { name: o.elasticsearch },
    podTemplate: {
      spec: {
        securityContext: elasticPod,
        ...o.placement,
        initContainers: restrictedInit(["elastic-internal-init-config"]),
        containers: [
          { name: "kibana", resources: KIBANA_RESOURCES, securityContext: restrictedContainer },
        ],
      },
    },
  };
}

/**
 * The Filebeat Beat resource's spec (beat.k8s.elastic.co/v1beta1): a DaemonSet reading every
 * container log on its node, enriched with Kubernetes metadata, shipped to the log cluster with
 * the ILM policy of `ilmPolicy(retentionDays)` mounted from `policyConfigMap`.
 */
export function filebeatSpec(o: {
  elasticsearch: string;
  elasticsearchNamespace: string;
  serviceAccount: string;
  policyConfigMap: string;
}) {
  return {
    type: "filebeat",
    version: ELASTIC_VERSION,
    elasticsearchRef: { name: o.elasticsearch, namespace: o.elasticsearchNamespace },
    config: {
      "filebeat.inputs": [
        {
          type: "filestream",
          id: "containers",
          paths: ["/var/log/containers/*.log"],
          parsers: [{ container: {} }],
          prospector: { scanner: { symlinks: true } },
          processors: [
            {
              add_kubernetes_metadata: {
                host: "${NODE_NAME}",
                matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }],
              },
            },
          ],
        },
      ],
      "setup.ilm.enabled": true,
      "setup.ilm.policy_name": ILM_POLICY,
      "setup.ilm.policy_file": "/etc/filebeat-ilm/policy.json",
      "setup.ilm.overwrite": true,
    },
    daemonSet: {
      podTemplate: {
        spec: {
          serviceAccountName: o.serviceAccount,
          automountServiceAccountToken: true,
          // Every node's pods log, tainted pools included.
          tolerations: [{ operator: "Exists" }],
          // Root reads the root-owned log files; every capability is dropped all the same.
          securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "filebeat",
              env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
              resources: FILEBEAT_RESOURCES,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              volumeMounts: [
                { name: "varlogcontainers", mountPath: "/var/log/containers", readOnly: true },
                { name: "varlogpods", mountPath: "/var/log/pods", readOnly: true },
                { name: "ilm-policy", mountPath: "/etc/filebeat-ilm", readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "varlogcontainers", hostPath: { path: "/var/log/containers" } },
            { name: "varlogpods", hostPath: { path: "/var/log/pods" } },
            { name: "ilm-policy", configMap: { name: o.policyConfigMap } },
          ],
        },
      },
    },
  };
}

/** The ECK operator chart values this program sets. */
export interface EckOperatorValues {
  installCRDs: boolean;
  webhook: { enabled: boolean };
  telemetry: { disabled: boolean };
  resources: Resources;
  podSecurityContext: Record<string, unknown>;
  securityContext: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  tolerations?: Placement["tolerations"];
  config: { metrics: { port: string } };
}

export function eckOperatorValues(placement: Placement): EckOperatorValues {
  return {
    installCRDs: true,
    // The validating webhook would need the API server admitted through the namespace's
    // default-deny policy; the CRDs' own schemas still validate every resource.
    webhook: { enabled: false },
    telemetry: { disabled: true },
    resources: { requests: { cpu: "100m", memory: "150Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    ...placement,
    config: { metrics: { port: "0" } },
  };
}
