import * as pulumi from "@pulumi/pulumi";
import type { ReplicationSecrets, ReplicationSource } from "./region";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../config";

/**
 * The data services the apps connect to, whoever runs them: the cloud layer (RDS, ElastiCache, S3,
 * DigitalOcean's databases and Spaces) or the platform in the cluster (Postgres, Valkey, MinIO).
 * appEnv (components/platform/app-env.ts) turns them into every app's connection variables.
 */
export interface DataEndpoints {
  database?: PostgresEndpoint;
  cache?: CacheEndpoint;
  objectStorage?: ObjectStoreEndpoint;
}

/** A PostgreSQL server (or a pool in front of one) and how its reads are served. */
export interface PostgresEndpoint {
  host: pulumi.Input<string>;
  /**
   * Host of every read replica, where the tier has any (same port, database and user); the
   * platform puts them behind one read endpoint (tiers document, Read Replicas: "Load balanced for
   * read queries"). @example [replica1.address, replica2.address]
   */
  readHosts?: pulumi.Input<string>[];
  /**
   * The one place reads go, where that is not `readHosts`: a pooler's read database that takes
   * turns over every replica. @default the first of `readHosts`, else `host`
   */
  readEndpoint?: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    database: pulumi.Input<string>;
  };
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  user: pulumi.Input<string>;
  password: pulumi.Input<string>; // secret
  /** The host is already a pool the provider runs (DigitalOcean's PgBouncer connection pool). */
  pooled?: boolean;
  /**
   * libpq's sslmode for every connection: managed servers refuse plaintext (rds.force_ssl) and the
   * in-cluster one accepts TLS only. @default "require"
   */
  sslmode?: "require" | "verify-full";
}

/** A managed PostgreSQL the cloud layer created (RDS, DigitalOcean); TLS is required. */
export type ManagedDatabase = PostgresEndpoint;

/** A Redis-compatible cache: the primary's address and its password. */
export interface CacheEndpoint {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  password: pulumi.Input<string>; // secret
  /** Clients connect over TLS (`rediss`). @default true (ElastiCache and DigitalOcean require it) */
  tls?: boolean;
  /** The logical database the URL names. @default none (the server's default) */
  database?: number;
  /**
   * Redis Cluster: `host` is a seed (ElastiCache's configuration endpoint, or the in-cluster
   * Service) and clients must follow MOVED redirections with a cluster client. @default false
   */
  cluster?: boolean;
}

/** A managed Valkey/Redis the cloud layer created (ElastiCache, DigitalOcean); TLS and auth on. */
export type ManagedCache = CacheEndpoint;

/** An IAM role service accounts assume (AWS IRSA: no static keys), or access keys (Spaces). */
export type ManagedStoreCredentials =
  | { kind: "role"; roleArn: pulumi.Input<string>; annotationKey: string }
  | { kind: "keys"; accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };

/** An S3-compatible store (S3, Spaces, MinIO): endpoint, buckets by purpose, how pods authenticate. */
export interface ObjectStoreEndpoint {
  endpoint: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Bucket name per purpose of `objectStorage.buckets` (media, backup, logs). */
  buckets: Partial<Record<string, pulumi.Input<string>>>;
  /**
   * How the backup writers reach the store. With a role, the platform layer annotates the service
   * accounts that write to object storage.
   */
  credentials: ManagedStoreCredentials;
  /** How the apps reach the media bucket, and only it; absent without a media bucket. */
  appCredentials?: ManagedStoreCredentials;
}

/** A managed S3-compatible store (S3, Spaces) the cloud layer created. */
export type ManagedObjectStorage = ObjectStoreEndpoint;

/**
 * What a cloud layer hands the platform layer: a Kubernetes provider and the facts needed to place
 * and expose workloads. The platform layer never calls a cloud API, so this is all it knows.
 */
export interface ClusterFacts {
  provider: k8s.Provider;
  /** Roles that have a dedicated node pool. Workloads of other roles share the app nodes. */
  pools: Role[];
  /** Storage class for persistent volumes; empty for the cluster's default. */
  storageClass: string;
  /**
   * That class expands a bound claim in place (CSI allowVolumeExpansion), so the platform grows
   * volumes by patching their claims. @default false (local-path, or a class the stack cannot know)
   */
  volumeExpansion?: boolean;
  /** Annotations for the gateway's LoadBalancer Service (the cloud's load balancer settings). */
  gatewayServiceAnnotations?: Record<string, pulumi.Input<string>>;
  /**
   * How the cloud's load balancer hands the client's address to Envoy. The cloud layer writes its
   * load balancer annotations from this same value, so the two ends of the hop always agree.
   * @default { via: "source-address" } (no load balancer in between, as on kind)
   */
  clientAddress?: ClientAddressDelivery;
  /** Data services the cloud manages, present when the config's mode is `managed`. */
  managed?: DataEndpoints;
  /**
   * The cloud gives the gateway's LoadBalancer Service a load balancer, so its address appears on
   * the Gateway's status and the stack waits for it. Unknown on an existing cluster (kind has none).
   */
  loadBalancers?: boolean;
  /** How a user reaches the cluster after `pulumi up` (stack outputs). */
  access?: ClusterAccess;
  /** Names served by the cloud's CDN rather than the gateway, and the records that prove them. */
  edge?: EdgeFacts;
  /**
   * What a primary region hands its secondaries (stack outputs `replication` and
   * `replicationSecrets`, components/region); absent where the layer replicates nothing.
   */
  replication?: {
    source: pulumi.Input<ReplicationSource>;
    secrets: pulumi.Input<ReplicationSecrets>;
  };
}

/**
 * How a connection's client address survives the gateway's load balancer (self-hosted §6.1 limits
 * each client, so Envoy must see who the client is):
 * - `proxy-protocol`: the load balancer prepends a PROXY protocol header carrying the client's
 *   address, and Envoy must read it (Envoy's listener filter reads versions 1 and 2). `optional`
 *   lets connections without the header through, for clusters where in-cluster clients reach the
 *   load balancer's address without passing through it.
 * - `source-address`: the connection's own source is the client (preserved client IP, or no load
 *   balancer at all).
 */
export type ClientAddressDelivery =
  { via: "proxy-protocol"; optional?: boolean } | { via: "source-address" };

/** How a user reaches the cluster: stack outputs, never used by the platform layer. */
export interface ClusterAccess {
  /** The kubeconfig the program deploys with (a secret); absent where the user's own file is used. */
  kubeconfig?: pulumi.Input<string>;
  /** The kubeconfig context the stack deploys with, on a cluster the user brings. */
  context?: string;
  /** A command that writes or prints the kubeconfig. @example "aws eks update-kubeconfig ..." */
  command?: pulumi.Input<string>;
  /** Per principal granted access (kubernetes.access), the command that writes its kubeconfig. */
  grants?: Record<string, string>;
}

/** A DNS record a user creates by hand: the program manages no zone. */
export interface DnsRecordSpec {
  name: string;
  type: string;
  value: string;
}

/** What the cloud's edge puts in front of (or beside) the gateway. */
export interface EdgeFacts {
  /** Hosts a CDN answers, each with the name its record points at. */
  cdn?: { host: string; target: pulumi.Input<string> }[];
  /** Names that must reach the gateway's load balancer for the CDN (its origin). */
  originHosts?: string[];
  /** Records that prove the domain to a certificate authority (ACM DNS validation). */
  validationRecords?: pulumi.Input<DnsRecordSpec[]>;
  /** Records the stack itself keeps in the domain's zone (a region's origin records), and why. */
  createdRecords?: pulumi.Input<(DnsRecordSpec & { purpose: string })[]>;
  /**
   * The hosts are answered by an edge another stack of the group built (the primary's CloudFront
   * distribution): their records are that stack's, and none of this stack's.
   */
  frontedBy?: { provider: "cloudfront"; stack: string };
  /**
   * Hosts whose requests reach the gateway through the CDN acting as an HTTP proxy, and how many
   * proxies on that path each append the viewer's address to X-Forwarded-For (CloudFront: 1).
   * The gateway takes the client's address from that header on these hosts only.
   */
  proxied?: {
    hosts: string[];
    hops: number;
    /**
     * PEM of the CA whose client certificate the CDN presents (authenticated origin pulls): the
     * gateway refuses these hosts' TLS handshakes without one, so the CDN cannot be bypassed.
     */
    clientCa?: string;
  };
}
