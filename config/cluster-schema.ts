import { z } from "zod";
import { PROFILE_NAMES } from "../catalog/profiles";
import { hasHostBits, networkOf, parseBlock } from "./cidr";
import { int, name } from "./fields";

// The network and cluster sections of the stack config.

/**
 * The widest admin network: an IPv4 /8 (the largest block IANA allocates, and the largest
 * RFC 1918 range) or an IPv6 /32 (the smallest allocation a registry makes to an operator,
 * RIPE-738 §5.1.2). Anything wider is a share of the internet, not an admin network.
 */
export const ADMIN_PREFIX_MIN = { 4: 8, 6: 32 } as const;

/** True when a CIDR admits every address: such a source is "anywhere", never an admin network. */
export function isAnywhere(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}
export const adminCidr = z
  .union([z.cidrv4(), z.cidrv6()], { error: "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24" })
  .superRefine((c, ctx) => {
    const block = parseBlock(c);
    if (!block) return;
    const widest = ADMIN_PREFIX_MIN[block.family];
    if (isAnywhere(c) || block.prefix < widest)
      ctx.addIssue({
        code: "custom",
        message: `admits ${isAnywhere(c) ? "the whole internet" : "a share of the internet"}; list the admin networks (VPN, office), each a /${widest} or narrower`,
      });
    else if (hasHostBits(block))
      ctx.addIssue({
        code: "custom",
        message: `has host bits set; write the network address${block.family === 4 ? ` (${networkOf(block)})` : ""}`,
      });
  });
export const networkCidr = z
  .cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" })
  .superRefine((c, ctx) => {
    const block = parseBlock(c);
    if (block && hasHostBits(block))
      ctx.addIssue({
        code: "custom",
        message: `has host bits set; write the network address (${networkOf(block)})`,
      });
  });

/** OpenSSH public key installed for the admins on servers we run (Hetzner); none when empty. */
export const sshPublicKey = z.union([
  z.literal(""),
  z
    .string()
    .regex(
      /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/,
      "must be an OpenSSH public key line",
    ),
]);

/**
 * An IAM role or user ARN, the principals an EKS access entry takes (an STS assumed-role ARN is
 * refused by EKS): https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
 */
export const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** What a grant lets its principal do; each is one EKS managed access policy (components/aws/access.ts). */
export const ACCESS_LEVELS = ["admin", "edit", "view"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** One principal's access to the cluster: an EKS access entry with a managed access policy. */
export const accessGrant = z.strictObject({
  principalArn: z
    .string()
    .regex(
      PRINCIPAL_ARN,
      "must be an IAM role or user ARN such as arn:aws:iam::111122223333:role/admin",
    ),
  level: z.enum(ACCESS_LEVELS),
  /** Namespaces the grant is limited to; the whole cluster when absent. */
  namespaces: z.array(name).min(1, "must list at least one namespace, or be left out").optional(),
});
export type AccessGrant = z.infer<typeof accessGrant>;

/** EKS keeps one access entry per principal, so a principal is granted once. */
export const accessGrants = z.array(accessGrant).superRefine((grants, ctx) => {
  const seen = new Map<string, number>();
  grants.forEach((g, i) => {
    const first = seen.get(g.principalArn);
    if (first === undefined) seen.set(g.principalArn, i);
    else
      ctx.addIssue({
        code: "custom",
        path: [i, "principalArn"],
        message: `duplicates the principal of access[${first}]; EKS keeps one access entry per principal`,
      });
  });
});

export const kubernetes = z.strictObject({
  version: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.33"),
  /** `existing` only: the kubeconfig context to use; the default context when empty. */
  context: z.string().max(253),
  namespace: name,
  /**
   * Dedicated control-plane servers where we run k3s (Hetzner) and more than one worker: three
   * keep an etcd quorum through one loss. An etcd cluster counts an odd number of members.
   */
  controlPlaneServers: z.union([z.literal(1), z.literal(3), z.literal(5)]),
  /**
   * Two of each controller (Envoy Gateway, cert-manager, progressive delivery) with a disruption
   * budget, and at least two gateway proxies.
   */
  highAvailability: z.boolean(),
  /** Principals granted access to the cluster beside its creator (aws: EKS access entries). */
  access: accessGrants,
});

export const network = z.strictObject({
  cidr: networkCidr,
  zones: int(1, 6),
  /** A NAT gateway in each zone (aws), so one zone's loss leaves the others their egress; else one. */
  natPerZone: z.boolean(),
});

export const nodePool = z.strictObject({
  profile: z.enum(PROFILE_NAMES),
  min: int(0, 100),
  /** 0 takes away the tier preset's pool of this role (its workloads share the app nodes). */
  max: int(0, 100),
  desired: int(0, 100),
});
export type NodePoolConfig = z.infer<typeof nodePool>;
