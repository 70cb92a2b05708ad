/**
 * Alertmanager's receivers from the stack config: the Secret their credentials are mounted from,
 * and the secret config keys each receiver needs.
 */
import type { StackConfig } from "../../config";
import { pagerOf } from "../../config";
import type { AlertReceivers } from "./alertmanager-config";

/** Name of the Secret holding the receivers' credentials, mounted into Alertmanager. */
export const RECEIVER_SECRET = "alertmanager-receivers";
/** Where the Prometheus Operator mounts `alertmanagerSpec.secrets` entries. */
export const RECEIVER_SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;
/** Keys of that Secret, one per secret config key (config/load.ts SECRET_KEYS). */
export const RECEIVER_SECRET_KEYS = {
  pagingSecret: "paging-key",
  chatWebhookUrl: "chat-webhook-url",
  smtpPassword: "smtp-password",
} as const;

export type MonitoringConfig = StackConfig["monitoring"];

/**
 * Receivers for the Alertmanager renderer from the stack config: every credential is a file from
 * the receivers Secret. A webhook pager's credential is its URL, which the renderer takes inline.
 */
export function alertReceivers(
  receivers: MonitoringConfig["receivers"],
  pagingWebhookUrl?: string,
): AlertReceivers {
  const file = (key: keyof typeof RECEIVER_SECRET_KEYS) =>
    `${RECEIVER_SECRET_DIR}/${RECEIVER_SECRET_KEYS[key]}`;
  const out: AlertReceivers = {};
  const pager = pagerOf(receivers);
  if (pager?.type === "pagerduty")
    out.paging = { type: "pagerduty", routingKeyFile: file("pagingSecret") };
  if (pager?.type === "webhook") {
    if (!pagingWebhookUrl)
      throw new RangeError("a webhook pager needs its URL (secret config key pagingSecret)");
    out.paging = { type: "webhook", url: pagingWebhookUrl };
  }
  if (receivers.chat)
    out.chat = { apiUrlFile: file("chatWebhookUrl"), channel: receivers.chat.channel };
  if (receivers.email)
    out.email = {
      to: receivers.email.to,
      from: receivers.email.from,
      smarthost: receivers.email.smarthost,
      // The config has no separate SMTP user: the sender address signs in.
      authUsername: receivers.email.from,
      authPasswordFile: file("smtpPassword"),
    };
  return out;
}

/** Secret config keys a stack's receivers need, in SECRET_KEYS naming. */
export function requiredSecretKeys(
  receivers: MonitoringConfig["receivers"],
): (keyof typeof RECEIVER_SECRET_KEYS)[] {
  const keys: (keyof typeof RECEIVER_SECRET_KEYS)[] = [];
  if (pagerOf(receivers)?.type === "pagerduty") keys.push("pagingSecret");
  if (receivers.chat) keys.push("chatWebhookUrl");
  if (receivers.email) keys.push("smtpPassword");
  return keys;
}
