import { z } from "zod";
import { int, resources } from "./fields";

// The monitoring and logging sections of the stack config.

export const monitoring = z.strictObject({
  retentionDays: int(1, 400),
  storageGb: int(1),
  /** Alertmanagers gossiping, so a lost node does not lose a page. */
  alertmanagerReplicas: int(1, 5),
  /** Requests and limits of the components whose load grows with the cluster. */
  resources: z.strictObject({
    prometheus: resources,
    grafana: resources,
    kubeStateMetrics: resources,
  }),
  receivers: z.strictObject({
    /**
     * Who is paged for critical alerts (secret pagingSecret). `none` says on purpose that
     * nobody is: a production tier must choose one or the other (config/receivers.ts).
     */
    paging: z
      .union([z.literal("none"), z.strictObject({ type: z.enum(["pagerduty", "webhook"]) })])
      .nullable(),
    chat: z
      .strictObject({
        channel: z.string().regex(/^[#@]?[\w.-]{1,80}$/, "must be a channel name such as #alerts"),
      })
      .nullable(),
    email: z
      .strictObject({
        to: z.array(z.email()).min(1),
        from: z.email(),
        /** Alertmanager's `smarthost` is host:port (prometheus/alertmanager config.HostPort). */
        smarthost: z
          .string()
          .regex(
            /^[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?:([1-9]\d{0,4})$/,
            "must be host:port such as smtp.example.com:587",
          )
          .refine(
            (h) => !/:\d+$/.test(h) || Number(h.split(":").pop()) <= 65535,
            "must name a port of at most 65535",
          ),
      })
      .nullable(),
  }),
});

export const logging = z.strictObject({
  backend: z.enum(["loki", "elasticsearch"]),
  retentionDays: int(1, 400),
  storageGb: int(1),
  loki: z.strictObject({
    /**
     * Loki's deployment mode. SimpleScalable (three each of read, write and backend) needs object
     * storage: without a bucket Loki runs SingleBinary whatever this says.
     */
    mode: z.enum(["SingleBinary", "SimpleScalable"]),
    /** Requests and limits of each Loki pod. */
    resources,
  }),
  /** Elasticsearch nodes: one (self-hosted §4.2, single-node discovery) or a quorum. */
  elasticsearch: z.strictObject({ nodes: int(1, 9) }),
});
