import { NAMESPACE, type Problem } from "./problems";
import { pagerOf } from "./receivers";
import type { StackConfig } from "./schema";

/**
 * Secret keys, set with `pulumi config set --secret`. They are read where needed with
 * `config.requireSecret`, so they never sit as plain text in the validated config object.
 */
export const SECRET_KEYS = {
  pagingSecret: "routing key or webhook URL of the paging receiver (monitoring.receivers.paging)",
  chatWebhookUrl: "incoming webhook URL of the chat receiver (monitoring.receivers.chat)",
  smtpPassword: "password of the SMTP smarthost (monitoring.receivers.email)",
  offsiteAccessKeyId: "access key of the off-site backup bucket (backups.offsite)",
  offsiteSecretAccessKey: "secret key of the off-site backup bucket (backups.offsite)",
  sshPrivateKey:
    "private key of sshPublicKey, with which the first Hetzner `pulumi up` fetches the k3s kubeconfig (provider hetzner)",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;

/**
 * Credentials in the providers' own config that the program or its providers read: never in clear
 * in a stack file (pulumi/pulumi-hcloud, pulumi-digitalocean, pulumi-aws and pulumi-kubernetes
 * mark these provider inputs secret).
 */
export const PROVIDER_SECRET_KEYS: Record<string, string> = {
  "hcloud:token": "<Hetzner Cloud API token>",
  "digitalocean:token": "<DigitalOcean API token>",
  "digitalocean:spacesSecretKey": "<Spaces secret key>",
  "aws:secretKey": "<AWS secret access key>",
  "aws:token": "<AWS session token>",
  "kubernetes:kubeconfig": "<kubeconfig>",
  // pulumi/pulumi-cloudflare marks the provider's apiToken secret.
  "cloudflare:apiToken": "<Cloudflare API token>",
};

/**
 * `platform:` keys whose values the program keeps secret when they come from `secure:`: the apps'
 * env goes into each app's Kubernetes Secret as Pulumi secrets. Every other key names and shapes
 * resources (names, sizes, addresses) that Pulumi records in clear, so it cannot be a secret.
 */
export const SECRET_CAPABLE_KEYS = ["apps"] as const;

/** The stack's config as the runtime holds it: every `ns:key`, and which came from `secure:`. */
export interface ConfigSource {
  values: Readonly<Record<string, string>>;
  secretKeys: ReadonlySet<string>;
}

const setCommand = (key: string, what: string) => `\`pulumi config set --secret ${key} ${what}\``;

/** The secret keys a valid config reads, and why. */
export function requiredSecrets(c: StackConfig): { key: string; why: string; what: string }[] {
  const out: { key: string; why: string; what: string }[] = [];
  const platform = (key: SecretKey, why: string) =>
    out.push({ key: `${NAMESPACE}:${key}`, why, what: `<${SECRET_KEYS[key].split(" (")[0]}>` });
  const r = c.monitoring.receivers;
  if (pagerOf(r)) platform("pagingSecret", "monitoring.receivers.paging");
  if (r.chat) platform("chatWebhookUrl", "monitoring.receivers.chat");
  if (r.email) platform("smtpPassword", "monitoring.receivers.email");
  if (c.backups.offsite) {
    platform("offsiteAccessKeyId", "backups.offsite");
    platform("offsiteSecretAccessKey", "backups.offsite");
  }
  if (c.edge.provider === "cloudflare")
    out.push({
      key: "cloudflare:apiToken",
      why: "edge.provider cloudflare (DNS records, zone settings, WAF, load balancing)",
      what: PROVIDER_SECRET_KEYS["cloudflare:apiToken"],
    });
  if (c.provider === "hetzner")
    out.push({
      key: "hcloud:token",
      why: "provider hetzner (servers, cloud controller, CSI driver)",
      what: PROVIDER_SECRET_KEYS["hcloud:token"],
    });
  return out;
}

/** What Alertmanager's renderer takes as a webhook URL (components/monitoring/alertmanager-config.ts). */
const HTTP_URL = /^https?:\/\/[^\s]+$/;

/**
 * What is wrong with the stack's secrets: a secret key given in clear, a `platform:` key that
 * cannot stay secret given as one, a secret the config needs and nobody set, a webhook URL that is
 * no URL. No line carries a secret's value.
 */
export function secretProblems(c: StackConfig | undefined, source: ConfigSource): Problem[] {
  const problems: Problem[] = [];
  const add = (key: string, message: string) => problems.push({ path: [], key, message });
  const inClear = new Set<string>();
  const mustBeSecret = [
    ...Object.keys(SECRET_KEYS).map((k) => `${NAMESPACE}:${k}`),
    ...Object.keys(PROVIDER_SECRET_KEYS),
  ];
  for (const key of mustBeSecret)
    if (source.values[key] !== undefined && !source.secretKeys.has(key)) {
      inClear.add(key);
      const what =
        PROVIDER_SECRET_KEYS[key] ??
        `<${SECRET_KEYS[key.split(":")[1] as SecretKey].split(" (")[0]}>`;
      add(
        key,
        `must be a secret, not text in the stack file: remove it and encrypt it with ${setCommand(key, what)} (got a value in clear)`,
      );
    }
  for (const key of source.secretKeys) {
    const [ns, name] = key.split(":");
    if (ns !== NAMESPACE || name in SECRET_KEYS) continue;
    if ((SECRET_CAPABLE_KEYS as readonly string[]).includes(name)) continue;
    add(
      key,
      `must not come from secure:, as its values name and size resources that Pulumi records in clear; set it without --secret (secrets go in ${[...SECRET_CAPABLE_KEYS].map((k) => `${NAMESPACE}:${k}`).join(", ")} or ${Object.keys(SECRET_KEYS).join(", ")})`,
    );
  }
  if (!c) return problems;
  for (const { key, why, what } of requiredSecrets(c)) {
    const value = source.values[key];
    if (inClear.has(key)) continue;
    if (value === undefined || value.trim() === "")
      add(key, `is required by ${why}: set it with ${setCommand(key, what)}`);
  }
  const paging = source.values[`${NAMESPACE}:pagingSecret`];
  if (pagerOf(c.monitoring.receivers)?.type === "webhook" && paging && !HTTP_URL.test(paging))
    add(
      `${NAMESPACE}:pagingSecret`,
      "must be the http(s) URL of the webhook pager (monitoring.receivers.paging.type webhook) (got a secret value that is not one)",
    );
  const chat = source.values[`${NAMESPACE}:chatWebhookUrl`];
  if (c.monitoring.receivers.chat && chat && !HTTP_URL.test(chat))
    add(
      `${NAMESPACE}:chatWebhookUrl`,
      "must be the http(s) URL of the chat webhook (got a secret value that is not one)",
    );
  problems.push(...sshKeyProblems(c, source.values[`${NAMESPACE}:sshPrivateKey`]));
  return problems;
}

/**
 * The SSH fetch of the k3s kubeconfig (components/hetzner/kubeconfig.ts) logs in as root on port
 * 2222 with this key: the servers must admit its public half, and the firewalls the machine that
 * runs `pulumi up` (SSH is open to `adminCidrs` only). The key's own form is the SSH client's to
 * judge: the offline plan stands a placeholder in for every secret.
 */
function sshKeyProblems(c: StackConfig, key: string | undefined): Problem[] {
  if (key === undefined || key.trim() === "") return [];
  const at = `${NAMESPACE}:sshPrivateKey`;
  const problem = (message: string): Problem => ({ path: [], key: at, message });
  if (c.provider !== "hetzner")
    return [problem(`is read on provider hetzner only (got provider ${c.provider}); remove it`)];
  return [
    ...(c.sshPublicKey === ""
      ? [
          problem(
            "needs platform:sshPublicKey, its public half, which the servers admit for root (got no public key)",
          ),
        ]
      : []),
    ...(c.adminCidrs.length === 0
      ? [
          problem(
            "needs platform:adminCidrs naming the network that runs `pulumi up`: SSH on 2222 is open to those only (got none)",
          ),
        ]
      : []),
  ];
}
