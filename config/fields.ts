import { z } from "zod";
import { cronProblem } from "./cron";
import { isPinnedImage, parseImage } from "./image";

// Field validators the schema sections share.

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number().int().min(min).max(max);
export const name = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
    "must be a lowercase DNS label (a-z, 0-9, -), up to 40 characters",
  );
export const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a DNS name such as example.com",
  );
/** One DNS label (RFC 1035: 1-63 characters), the host part of `<label>.<domain>`. */
export const hostLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a host label such as media");
export const cpu = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 500m or 2")
  .refine((q) => cpuCores(q) > 0, "must be more than 0 CPU");
export const memory = z
  .string()
  .regex(/^[1-9]\d{0,6}(Mi|Gi)$/, "must be a memory quantity such as 512Mi or 4Gi");
export const cron = z.string().superRefine((schedule, ctx) => {
  const problem = cronProblem(schedule);
  if (problem)
    ctx.addIssue({
      code: "custom",
      message: `must be a five-field cron expression Kubernetes accepts, such as 0 2 * * * (${problem})`,
    });
});

/** A container's requests and limits, the request within the limit. */
export const resources = z
  .strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu, memory }),
  })
  .superRefine((r, ctx) => {
    // Kubernetes refuses a container whose request exceeds its limit (core/v1 validation).
    if (cpuCores(r.requests.cpu) > cpuCores(r.limits.cpu))
      ctx.addIssue({
        code: "custom",
        path: ["requests", "cpu"],
        message: `must not exceed limits.cpu (${r.limits.cpu})`,
      });
    if (memoryMi(r.requests.memory) > memoryMi(r.limits.memory))
      ctx.addIssue({
        code: "custom",
        path: ["requests", "memory"],
        message: `must not exceed limits.memory (${r.limits.memory})`,
      });
  });

/** CPU cores of a Kubernetes quantity ("500m" → 0.5); the schema admits only these two forms. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** MiB of a Kubernetes memory quantity in Mi or Gi, the forms the schema admits. */
export function memoryMi(quantity: string): number {
  return quantity.endsWith("Gi")
    ? Number(quantity.slice(0, -2)) * 1024
    : Number(quantity.slice(0, -2));
}

export const image = z
  .string()
  .refine(
    (i) => parseImage(i) !== undefined,
    "must be an image reference such as registry.example.com/team/app:1.2.3",
  )
  .refine(
    (i) => parseImage(i) === undefined || isPinnedImage(i),
    "must be pinned by a version tag or an @sha256 digest (no 'latest', no missing tag)",
  );

/**
 * Gateway API HTTPPathMatch (standard CRD, `path.value`): at most 1024 characters of the RFC 3986
 * path alphabet, starting with "/", without "//" or "/./" or "/../" segments.
 */
export const pathPrefix = z
  .string()
  .max(1024)
  .regex(
    /^\/(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})*$/,
    "must be a URL path such as /api (RFC 3986 characters, starting with /)",
  )
  .refine(
    (p) => !/\/\/|\/\.\.?(\/|$)/.test(p),
    "must not contain //, /./ or /../ (Gateway API refuses them)",
  );
