import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig } from "../../config";
import { restrictedContainer, restrictedPod, spread } from "../apps/pod";
import { type ManagedDatabase } from "../contract";
import { placement, OWN_EGRESS_LABEL, serverEgress } from "../k8s";
import {
  PGBOUNCER_EXPORTER_IMAGE,
  PGBOUNCER_EXPORTER_PORT,
  PGBOUNCER_FILES,
  PGBOUNCER_IMAGE,
  PGBOUNCER_NAMES,
  PGBOUNCER_PORT,
  PGBOUNCER_STATS_USER,
  PGBOUNCER_UID,
  pgbouncerIni,
  pgbouncerPool,
  pgbouncerUserlist,
  readDatabaseName,
} from "./pgbouncer-sizing";

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
  /** Network of the server's address, the pods' only egress but DNS. @example "10.0.0.0/16" */
  serverNetwork: string;
  /**
   * cert-manager's Release: the clients' TLS certificate needs its CRDs.
   * @example [gateway.certManager]
   */
  certManager: pulumi.Resource[];
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

    const statsPassword = new random.RandomPassword(
      `${name}-stats-password`,
      { length: 32, special: false },
      parent,
    );
    const auth = new k8s.core.v1.Secret(
      `${name}-auth`,
      {
        metadata: { name: n.auth, namespace: ns, labels },
        type: "Opaque",
        stringData: {
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
        },
      },
      parent,
    );

    // A private name inside the cluster cannot come from Let's Encrypt: a self-signed certificate,
    // which clients with sslmode=require use for encryption without checking it. A year long,
    // renewed a month ahead; PgBouncer reads it at start, and any restart picks up the new one.
    const afterCertManager = { ...parent, dependsOn: args.certManager };
    const issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Issuer",
        metadata: { name: n.issuer, namespace: ns, labels },
        spec: { selfSigned: {} },
      },
      afterCertManager,
    );
    const certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: n.tls, namespace: ns, labels },
        spec: {
          secretName: n.tls,
          commonName: n.service,
          dnsNames: [
            n.service,
            pulumi.interpolate`${n.service}.${ns}`,
            pulumi.interpolate`${n.service}.${ns}.svc`,
            pulumi.interpolate`${n.service}.${ns}.svc.cluster.local`,
          ],
          duration: "8760h",
          renewBefore: "720h",
          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
          issuerRef: { group: "cert-manager.io", kind: "Issuer", name: n.issuer },
        },
      },
      { ...afterCertManager, dependsOn: [...args.certManager, issuer] },
    );

    const podLabels = { ...labels, [OWN_EGRESS_LABEL]: "own" };
    const small = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
      requests: { cpu, memory },
      limits: { cpu: cpuLimit, memory: memoryLimit },
    });
    const mount = (volume: string, file: string) => ({
      name: volume,
      mountPath: file.slice(0, file.lastIndexOf("/")),
      readOnly: true,
    });
    const tcp = (port: string) => ({ tcpSocket: { port } });
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: n.deployment, namespace: ns, labels },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          // One extra pod during an update, never one fewer: the pool sizes count on that surge.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: podLabels,
              annotations: {
                "platform/config-sha256": ini.apply((text) =>
                  createHash("sha256").update(text).digest("hex"),
                ),
              },
            },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: restrictedPod(PGBOUNCER_UID),
              ...placement("db", args.pools),
              topologySpreadConstraints: spread(labels),
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "pgbouncer",
                  image: PGBOUNCER_IMAGE,
                  command: ["pgbouncer", PGBOUNCER_FILES.ini],
                  ports: [{ name: "pgbouncer", containerPort: PGBOUNCER_PORT }],
                  // PgBouncer runs on one core; 2,000 clients hold a few MiB of buffers.
                  resources: small("250m", "128Mi", "1", "512Mi"),
                  securityContext: restrictedContainer,
                  readinessProbe: { ...tcp("pgbouncer"), periodSeconds: 5, failureThreshold: 3 },
                  livenessProbe: { ...tcp("pgbouncer"), periodSeconds: 10, failureThreshold: 6 },
                  // The Service drops the pod before PgBouncer stops taking new clients.
                  lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
                  volumeMounts: [
                    mount("config", PGBOUNCER_FILES.ini),
                    mount("auth", PGBOUNCER_FILES.userlist),
                    mount("tls", PGBOUNCER_FILES.tlsCert),
                  ],
                },
                {
                  name: "exporter",
                  image: PGBOUNCER_EXPORTER_IMAGE,
                  args: [`--web.listen-address=:${PGBOUNCER_EXPORTER_PORT}`],
                  env: [
                    {
                      name: "PGBOUNCER_EXPORTER_CONNECTION_STRING",
                      valueFrom: { secretKeyRef: { name: n.auth, key: "exporter-dsn" } },
                    },
                  ],
                  ports: [{ name: "metrics", containerPort: PGBOUNCER_EXPORTER_PORT }],
                  resources: small("50m", "32Mi", "200m", "128Mi"),
                  securityContext: restrictedContainer,
                  readinessProbe: { ...tcp("metrics"), periodSeconds: 10 },
                  livenessProbe: { ...tcp("metrics"), periodSeconds: 20 },
                },
              ],
              volumes: [
                { name: "config", configMap: { name: n.config, defaultMode: 0o444 } },
                // Group-readable only, through the pod's fsGroup.
                {
                  name: "auth",
                  secret: {
                    secretName: n.auth,
                    items: [{ key: "userlist.txt", path: "userlist.txt" }],
                    defaultMode: 0o440,
                  },
                },
                { name: "tls", secret: { secretName: n.tls, defaultMode: 0o440 } },
              ],
            },
          },
        },
      },
      { ...parent, dependsOn: [auth, certificate] },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: n.service, namespace: ns, labels },
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [
            { name: "postgres", port: this.port, targetPort: "pgbouncer" },
            { name: "metrics", port: PGBOUNCER_EXPORTER_PORT, targetPort: "metrics" },
          ],
        },
      },
      parent,
    );
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: n.deployment, namespace: ns, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      },
      parent,
    );
    if (args.monitoring?.length)
      new k8s.apiextensions.CustomResource(
        `${name}-pod-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: n.deployment, namespace: ns, labels },
          spec: {
            selector: { matchLabels: labels },
            podMetricsEndpoints: [{ port: "metrics" }],
          },
        },
        { ...parent, dependsOn: args.monitoring },
      );
    this.networkPolicies(name, args, labels);

    this.host = pulumi.interpolate`${n.service}.${ns}.svc`;
    this.registerOutputs({ host: this.host, readDatabase: this.readDatabase });
  }

  private networkPolicies(name: string, args: PgBouncerArgs, labels: Record<string, string>) {
    const parent = { parent: this };
    const fromNamespace = (namespace: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: { name: "pgbouncer-ingress", namespace: args.namespace, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Ingress"],
          ingress: [
            // Tiers document, Firewall Rules: PostgreSQL internal only: the apps, and monitoring.
            {
              from: [fromNamespace(args.appsNamespace)],
              ports: [{ protocol: "TCP", port: PGBOUNCER_PORT }],
            },
            {
              from: [fromNamespace(args.monitoringNamespace)],
              ports: [{ protocol: "TCP", port: PGBOUNCER_EXPORTER_PORT }],
            },
          ],
        },
      },
      parent,
    );
    // The pods carry OWN_EGRESS_LABEL, so the namespace's baseline (HTTPS out, every pod) does not
    // apply to them: they reach the cluster DNS and the database port, nothing else.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-egress`,
      {
        metadata: { name: "pgbouncer-egress", namespace: args.namespace, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Egress"],
          egress: serverEgress(args.serverNetwork, args.server.port),
        },
      },
      parent,
    );
  }
}
