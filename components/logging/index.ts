import * as pulumi from "@pulumi/pulumi";
import type { Role, StackConfig } from "../../config";
import { apiServerEgress, Namespace } from "../k8s";
import type { S3Target } from "../storage/target";
import { elasticStack, elasticUrls } from "./elastic-stack";
import { lokiStack } from "./loki-stack";

export * from "./alloy";
export * from "./elastic";
export * from "./loki";

export interface LoggingArgs {
  /** `logging` of the stack config: backend, retention and volume size. @example config.logging */
  logging: StackConfig["logging"];
  /** Namespace of the log store (Loki, or Elasticsearch and Kibana) and its operator. @example "monitoring" */
  namespace: string;
  /** Namespace of Grafana, admitted to query Loki. @example "monitoring" */
  grafanaNamespace: string;
  /**
   * Namespace created for the node agent (Alloy or Filebeat) with the privileged Pod Security
   * level: it reads the host's /var/log through hostPath as root, which baseline forbids.
   * @default "logging-agent"
   */
  agentNamespace?: string;
  /** Roles with a dedicated node pool; the log store runs on the `monitoring` pool if any. */
  pools: readonly Role[];
  /** Storage class of the log volumes; the cluster default when empty. @example "gp3" */
  storageClass: string;
  /** Bucket for Loki's chunks and indexes (ClusterFacts.managed.objectStorage, logs); a volume when absent. */
  objectStorage?: S3Target;
}

/**
 * Centralized logging (self-hosted §4.2, tiers document Log Management): Loki with Grafana Alloy by
 * default, or Elasticsearch, Kibana and Filebeat run by ECK. Retention is `logging.retentionDays`
 * either way. Cost: the log store's pods and volumes on the monitoring pool, one agent per node.
 */
export class Logging extends pulumi.ComponentResource {
  public readonly backend: StackConfig["logging"]["backend"];
  /** Loki's query URL, for Grafana's data source; undefined for Elasticsearch (Kibana is its UI). */
  public readonly lokiUrl?: string;
  /** Where agents push logs (Loki push API) or the Elasticsearch service. */
  public readonly ingestUrl: string;
  /** Kibana's in-cluster URL when the backend is Elasticsearch. */
  public readonly kibanaUrl?: string;
  public readonly agentNamespace: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Logging", name, {}, opts);
    const parent = { parent: this };
    const { logging, namespace } = args;
    this.backend = logging.backend;

    const agentNs = new Namespace(
      `${name}-agent-namespace`,
      { name: args.agentNamespace ?? "logging-agent", podSecurity: "privileged" },
      parent,
    );
    this.agentNamespace = agentNs.name;
    apiServerEgress(
      `${name}-agent-api`,
      { name: "kube-apiserver-egress", namespace: agentNs.name, podSelector: {} },
      { ...parent, dependsOn: [agentNs] },
    );

    if (logging.backend === "loki") {
      const endpoints = lokiStack(name, args, agentNs, this);
      this.lokiUrl = endpoints.query;
      this.ingestUrl = endpoints.push;
    } else {
      const urls = elasticUrls(namespace);
      this.ingestUrl = urls.ingest;
      this.kibanaUrl = urls.kibana;
      elasticStack(name, args, agentNs, this);
    }
    this.registerOutputs({ ingestUrl: this.ingestUrl, lokiUrl: this.lokiUrl });
  }
}
