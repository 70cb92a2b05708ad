import { z } from "zod";
import { hostLabel, image, int, name, pathPrefix, resources } from "./fields";

const autoscaling = z.strictObject({
  /** Infrastructure recommendations, Scaling Strategy: min 3, max 50, CPU 70 %. */
  minReplicas: int(1, 50),
  maxReplicas: int(1, 50),
  cpuPercent: int(10, 95),
});

/**
 * What a progressive release watches (components/delivery): the new version's health path and
 * these paths answer before any traffic moves, and its share of 5xx responses stays at or below
 * `maxErrorPercent` (tiers document, Alerting Strategy: 5xx error rate > 5 % is critical).
 */
const progressive = {
  /** Paths the smoke test GETs on the new version besides the health path. @example ["/"] */
  smokePaths: z.array(pathPrefix).max(10).default([]),
  /** 5xx share of the new version, in percent, above which the release rolls back. @default 5 */
  maxErrorPercent: z.number().min(0.1).max(50).default(5),
};

/**
 * How a new image reaches users (tiers document, Deployment Strategy). The progressive-delivery
 * controller moves the traffic; the stack file only names the strategy and the new `image`.
 */
const release = z.discriminatedUnion("strategy", [
  z.strictObject({ strategy: z.literal("rolling") }),
  z.strictObject({
    strategy: z.literal("blue-green"),
    ...progressive,
    /** Minutes each traffic step (10 %, 50 %, 100 %) is watched; the document gives none. */
    stepMinutes: int(1, 1440).default(10),
  }),
  z.strictObject({ strategy: z.literal("canary"), ...progressive }),
]);

/** A ConfigMap or Secret holds at most 1 MiB of data (Kubernetes documentation, ConfigMaps). */
export const ENV_MAX_BYTES = 1024 * 1024;

export const AppSchema = z
  .strictObject({
    name,
    image,
    port: int(1, 65535),
    /** Replicas when no autoscaler runs; the autoscaler's floor otherwise. */
    replicas: int(1, 50),
    resources,
    autoscaling: autoscaling.nullable(),
    env: z.record(
      z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name"),
      z.string(),
    ),
    healthPath: z
      .string()
      .max(1024)
      .regex(/^\/\S*$/, "must be a URL path such as /health (starting with /, no spaces)"),
    /** Public apps get an HTTPRoute on the gateway; internal ones only a Service. */
    public: z.boolean(),
    /** Host name under the stack's domain; the apex when empty. */
    host: z.union([z.literal(""), hostLabel], {
      error: "must be a host label such as api, or empty for the apex",
    }),
    pathPrefix,
    /** Let the gateway mark dynamic responses `public, max-age=60, stale-while-revalidate=300`. */
    cacheDynamic: z.boolean(),
    release,
  })
  .superRefine((app, ctx) => {
    const bytes = Object.entries(app.env).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    if (bytes > ENV_MAX_BYTES)
      ctx.addIssue({
        code: "custom",
        path: ["env"],
        message: `must hold at most 1 MiB in all, what a ConfigMap or Secret holds (got ${bytes} bytes)`,
      });
  });
export type AppConfig = z.infer<typeof AppSchema>;
