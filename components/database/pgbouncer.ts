import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
  DOCUMENTED_ROTATION,
  rotatingPassword,
  secretChecksum,
  type RotationPeriods,
} from "../kit/rotation";
import type { Role, StackConfig } from "../../config";
import { type ManagedDatabase } from "../contract";
import {
  OWN_EGRESS_LABEL,
  configChecksum,
  customResources,
  disruptionBudget,
  ingressFrom,
  placement,
  podPolicy,
  serverEgress,
  stringSecret,
  service,
} from "../k8s";
import { pgbouncerCertificate, pgbouncerPod } from "./pgbouncer-pod";
import {
  PGBOUNCER_EXPORTER_PORT,
  PGBOUNCER_NAMES,
  PGBOUNCER_PORT,
  PGBOUNCER_STATS_USER,
  pgbouncerIni,
  pgbouncerPool,
  pgbouncerUserlist,
  readDatabaseName,
} from "./pgbouncer-sizing";

/** API of cert-manager's Issuer and Certificate. */
const CERT_MANAGER = "cert-manager.io/v1";

/** PgBouncer's admin console in the same pod, which the exporter reads. */
const LOCAL_CONSOLE = `localhost:${PGBOUNCER_PORT}/pgbouncer?sslmode=require`;

export interface PgBouncerArgs {
  /** The stack's `database` section: `managed`, pooler enabled. @example config.database */
  database: StackConfig["database"];
  /** The managed server the pool fronts, from the cloud layer. @example cluster.managed.database */
  server: ManagedDatabase;
  /** Namespace of the pooler. @example "data" */
  namespace: pulumi.Input<string>;
  /** Namespace of the apps, the only clients. @example "platform" */
  appsNamespace: string;
  /** Namespace of the monitoring stack, admitted to the exporter. @example "monitoring" */
  monitoringNamespace: string;
  /** Roles with a node pool of their own; pods go to `db` if there. @example ["app", "db"] */
  pools: readonly Role[];
  /**
   * Networks of the server's addresses (a secondary region's writer is in its primary's), the
   * pods' only egress but DNS. @example ["10.0.0.0/16"]
   */
  serverNetworks: pulumi.Input<string>[];
  /**
   * cert-manager's Release: the clients' TLS certificate needs its CRDs.
   * @example [gateway.certManager]
   */
  certManager: pulumi.Resource[];
  /** How long generated passwords live (config `secrets.rotation`). @default 90 / 180 days */
  rotation?: RotationPeriods;
  /** The monitoring stack, whose CRDs a PodMonitor needs; no PodMonitor when empty. @default [] */
  monitoring?: pulumi.Resource[];
  /** PgBouncer pods, spread across nodes; at least 2. @default 2 */
  replicas?: number;
}

/**
 * PgBouncer in the cluster in front of a managed PostgreSQL (tiers document, Large Deployments:
 * Connection Pooling: PgBouncer, 2,000-5,000 connections): transaction pooling, SCRAM, TLS on both
 * legs, server connections kept within the server's max_connections, a metrics exporter beside
 * each pod. With read replicas it is also their one read endpoint: database `<name>_read` takes
 * turns over every replica (tiers document, Read Replicas: "Load balanced for read queries").
 * Cost: per pod 0.3 CPU / 160 MiB requested (1.2 CPU / 640 MiB limit) on the `db` pool.
 */
export class PgBouncer extends pulumi.ComponentResource {
  /** Service the apps connect to instead of the server. */
  public readonly host: pulumi.Output<string>;
  public readonly port = 5432;
  /** Database name of the read endpoint on `host`; absent without read replicas. */
  public readonly readDatabase?: pulumi.Output<string>;
  /** The replicas the read endpoint balances over. */
  public readonly readHosts: pulumi.Input<string>[];

  constructor(name: string, args: PgBouncerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PgBouncer", name, {}, opts);
    const parent = { parent: this };
    const db = args.database;
    if (db.mode !== "managed" || !db.pooler.enabled)
      throw new pulumi.InputPropertyError({
        propertyPath: "database",
        reason: "the in-cluster PgBouncer fronts a managed database with database.pooler.enabled",
      });
    const replicas = args.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 2)
      throw new pulumi.InputPropertyError({
        propertyPath: "replicas",
        reason: "must be an integer of at least 2: one pod alone is a single point of failure",
      });
    // Checked here, before any resource, rather than inside the apply that renders the file.
    try {
      pgbouncerPool({ maxConnections: db.maxConnections, replicas, defaultPoolSize: 1 });
    } catch (e) {
      throw new pulumi.InputPropertyError({
        propertyPath: "database.maxConnections",
        reason: (e as Error).message,
      });
    }
    const ns = args.namespace;
    const n = PGBOUNCER_NAMES;
    const labels = {
      "app.kubernetes.io/name": "pgbouncer",
      "app.kubernetes.io/instance": "pgbouncer",
      "app.kubernetes.io/part-of": "platform",
    };

    this.readHosts = args.server.readHosts ?? [];
    const ini = pulumi
      .all([args.server.host, args.server.port, args.server.database, pulumi.all(this.readHosts)])
      .apply(([host, port, database, readHosts]) =>
        pgbouncerIni({
          server: { host, port, database },
          readHosts,
          pooler: db.pooler,
          maxConnections: db.maxConnections,
          replicas,
        }),
      );
    if (this.readHosts.length > 0)
      this.readDatabase = pulumi.output(args.server.database).apply(readDatabaseName);
    new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: n.config, namespace: ns, labels }, data: { "pgbouncer.ini": ini } },
      parent,
    );

    const statsPassword = rotatingPassword(
      `${name}-stats-password`,
      { kind: "database", periods: args.rotation ?? DOCUMENTED_ROTATION, length: 32 },
      parent,
    );
    const authData = {
      "userlist.txt": pulumi.secret(
        pulumi
          .all([args.server.user, args.server.password, statsPassword.result])
          .apply(([user, password, stats]) =>
            pgbouncerUserlist([
              { name: user, password },
              { name: PGBOUNCER_STATS_USER, password: stats },
            ]),
          ),
      ),
      // The admin console over TLS like every client; `require` as nothing is verified locally.
      "exporter-dsn": pulumi.secret(
        pulumi.interpolate`postgres://${PGBOUNCER_STATS_USER}:${statsPassword.result}@${LOCAL_CONSOLE}`,
      ),
    };
    const auth = stringSecret(
      `${name}-auth`,
      { name: n.auth, namespace: ns, labels, stringData: authData },
      parent,
    );

    // The clients' TLS certificate, from a self-signed Issuer (see pgbouncerCertificate).
    const object = customResources(name, ns, labels);
    const afterCertManager = { ...parent, dependsOn: args.certManager };
    const issuer = object(
      "issuer",
      { apiVersion: CERT_MANAGER, kind: "Issuer", name: n.issuer, spec: { selfSigned: {} } },
      afterCertManager,
    );
    const certificate = object(
      "certificate",
      {
        apiVersion: CERT_MANAGER,
        kind: "Certificate",
        name: n.tls,
        spec: pgbouncerCertificate(ns),
      },
      { ...afterCertManager, dependsOn: [...args.certManager, issuer] },
    );

    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: n.deployment, namespace: ns, labels },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          // One extra pod during an update, never one fewer: the pool sizes count on that surge.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: pgbouncerPod({
            labels: { ...labels, [OWN_EGRESS_LABEL]: "own" },
            selector: labels,
            checksum: ini.apply(configChecksum),
            // PgBouncer reads userlist.txt at start: a rotated password rolls the pods.
            secretChecksum: secretChecksum(authData),
            pool: placement("db", args.pools),
          }),
        },
      },
      { ...parent, dependsOn: [auth, certificate] },
    );
    service(
      `${name}-service`,
      {
        name: n.service,
        namespace: ns,
        labels,
        selector: labels,
        ports: [
          { name: "postgres", port: this.port, targetPort: "pgbouncer" },
          { name: "metrics", port: PGBOUNCER_EXPORTER_PORT, targetPort: "metrics" },
        ],
      },
      parent,
    );
    disruptionBudget(`${name}-pdb`, { name: n.deployment, namespace: ns, labels }, parent);
    if (args.monitoring?.length)
      object(
        "pod-monitor",
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          name: n.deployment,
          spec: { selector: { matchLabels: labels }, podMetricsEndpoints: [{ port: "metrics" }] },
        },
        { ...parent, dependsOn: args.monitoring },
      );

    // Tiers document, Firewall Rules: PostgreSQL internal only: the apps, and monitoring.
    podPolicy(
      `${name}-ingress`,
      {
        name: "pgbouncer-ingress",
        namespace: ns,
        labels,
        podSelector: labels,
        ingress: [
          ingressFrom(args.appsNamespace, PGBOUNCER_PORT),
          ingressFrom(args.monitoringNamespace, PGBOUNCER_EXPORTER_PORT),
        ],
      },
      parent,
    );
    // The pods carry OWN_EGRESS_LABEL, so the namespace's baseline (HTTPS out, every pod) does not
    // apply to them: they reach the cluster DNS and the database port, nothing else.
    podPolicy(
      `${name}-egress`,
      {
        name: "pgbouncer-egress",
        namespace: ns,
        labels,
        podSelector: labels,
        egress: serverEgress(args.serverNetworks, args.server.port),
      },
      parent,
    );

    this.host = pulumi.interpolate`${n.service}.${ns}.svc`;
    this.registerOutputs({ host: this.host, readDatabase: this.readDatabase });
  }
}
