/**
 * The pod of the in-cluster PgBouncer: PgBouncer itself and the metrics exporter beside it, with
 * their files (config, user list, TLS certificate). A plain function; ./pgbouncer.ts registers it.
 */
import * as pulumi from "@pulumi/pulumi";
import { restrictedContainer, restrictedPod, spread } from "../apps/pod";
import { CONFIG_CHECKSUM, containerResources, type placement } from "../k8s";
import { SECRET_CHECKSUM } from "../kit/rotation";
import {
  PGBOUNCER_EXPORTER_IMAGE,
  PGBOUNCER_EXPORTER_PORT,
  PGBOUNCER_FILES,
  PGBOUNCER_IMAGE,
  PGBOUNCER_NAMES,
  PGBOUNCER_PORT,
  PGBOUNCER_RESOURCES,
  PGBOUNCER_UID,
} from "./pgbouncer-sizing";

const n = PGBOUNCER_NAMES;

const mount = (volume: string, file: string) => ({
  name: volume,
  mountPath: file.slice(0, file.lastIndexOf("/")),
  readOnly: true,
});
const tcp = (port: string) => ({ tcpSocket: { port } });

/**
 * PgBouncer's pod template: `labels` select it, `checksum` (of pgbouncer.ini) and `secretChecksum`
 * (of userlist.txt, whose passwords rotate) roll it.
 */
export function pgbouncerPod(args: {
  labels: Record<string, string>;
  /** The Deployment's selector, for spreading the pods. */
  selector: Record<string, string>;
  checksum: pulumi.Input<string>;
  secretChecksum: pulumi.Input<string>;
  pool: ReturnType<typeof placement>;
}) {
  return {
    metadata: {
      labels: args.labels,
      annotations: { [CONFIG_CHECKSUM]: args.checksum, [SECRET_CHECKSUM]: args.secretChecksum },
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPod(PGBOUNCER_UID),
      ...args.pool,
      topologySpreadConstraints: spread(args.selector),
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "pgbouncer",
          image: PGBOUNCER_IMAGE,
          command: ["pgbouncer", PGBOUNCER_FILES.ini],
          ports: [{ name: "pgbouncer", containerPort: PGBOUNCER_PORT }],
          resources: PGBOUNCER_RESOURCES,
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
          resources: containerResources("50m", "32Mi", "200m", "128Mi"),
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
  };
}

/**
 * A private name inside the cluster cannot come from Let's Encrypt: a self-signed certificate,
 * which clients with sslmode=require use for encryption without checking it. A year long,
 * renewed a month ahead; PgBouncer reads it at start, and any restart picks up the new one.
 */
export function pgbouncerCertificate(namespace: pulumi.Input<string>) {
  return {
    secretName: n.tls,
    commonName: n.service,
    dnsNames: [
      n.service,
      pulumi.interpolate`${n.service}.${namespace}`,
      pulumi.interpolate`${n.service}.${namespace}.svc`,
      pulumi.interpolate`${n.service}.${namespace}.svc.cluster.local`,
    ],
    duration: "8760h",
    renewBefore: "720h",
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    issuerRef: { group: "cert-manager.io", kind: "Issuer", name: n.issuer },
  };
}
