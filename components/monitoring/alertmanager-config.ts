/**
 * Alertmanager routing for the documents' alerting strategy (infrastructure-recommendations.md):
 * critical alerts page on-call, warnings go to chat and/or email ("Warning Alerts (Email/Slack)").
 * Secrets (routing keys, chat webhook URLs, SMTP passwords, webhook tokens) are referenced by
 * file paths mounted from Kubernetes secrets, never written into the configuration itself.
 */
import { stringify } from "yaml";

export type PagingReceiver =
  /** A generic webhook (an on-call tool's inbound endpoint); the bearer token is read from a file. */
  | { type: "webhook"; url: string; bearerTokenFile?: string }
  /** PagerDuty-style Events API v2; the routing (integration) key is read from a file. */
  | { type: "pagerduty"; routingKeyFile: string };

export interface ChatReceiver {
  /** File holding the incoming-webhook URL (the URL is the credential). */
  apiUrlFile: string;
  /** @example "#alerts" */
  channel: string;
}

export interface EmailReceiver {
  to: string[];
  from: string;
  /** SMTP server as host:port. @example "smtp.example.com:587" */
  smarthost: string;
  authUsername?: string;
  /** File holding the SMTP password. */
  authPasswordFile?: string;
}

export interface AlertReceivers {
  paging?: PagingReceiver;
  chat?: ChatReceiver;
  email?: EmailReceiver;
}

/** Receiver names used in the routing tree. */
export const RECEIVERS = {
  default: "default",
  paging: "paging",
  chat: "chat",
  email: "email",
} as const;

/**
 * Labels that must match for a critical alert to hold back a warning of the same name: the same
 * condition on the same object (filesystem, volume, replica), not the same alert elsewhere.
 */
export const INHIBIT_EQUAL = [
  "alertname",
  "namespace",
  "instance",
  "pod",
  "mountpoint",
  "persistentvolumeclaim",
];

type Json = Record<string, unknown>;

function requireFile(path: string, what: string): string {
  if (!path.startsWith("/"))
    throw new RangeError(`${what} must be an absolute file path, got ${JSON.stringify(path)}`);
  return path;
}

function pagingReceiver(paging: PagingReceiver): Json {
  if (paging.type === "pagerduty")
    return {
      name: RECEIVERS.paging,
      pagerduty_configs: [
        {
          routing_key_file: requireFile(paging.routingKeyFile, "paging.routingKeyFile"),
          send_resolved: true,
        },
      ],
    };
  if (!/^https?:\/\/[^\s]+$/.test(paging.url))
    // The URL is the pager's secret (platform:pagingSecret): never in a message.
    throw new RangeError("paging.url must be an http(s) URL");
  return {
    name: RECEIVERS.paging,
    webhook_configs: [
      {
        url: paging.url,
        send_resolved: true,
        ...(paging.bearerTokenFile
          ? {
              http_config: {
                authorization: {
                  type: "Bearer",
                  credentials_file: requireFile(paging.bearerTokenFile, "paging.bearerTokenFile"),
                },
              },
            }
          : {}),
      },
    ],
  };
}

function chatReceiver(chat: ChatReceiver): Json {
  if (!chat.channel.trim()) throw new RangeError("chat.channel must not be empty");
  return {
    name: RECEIVERS.chat,
    slack_configs: [
      {
        api_url_file: requireFile(chat.apiUrlFile, "chat.apiUrlFile"),
        channel: chat.channel,
        send_resolved: true,
      },
    ],
  };
}

function emailReceiver(email: EmailReceiver): Json {
  const address = /^[^\s@,]+@[^\s@,]+$/;
  if (email.to.length === 0 || !email.to.every((a) => address.test(a)))
    throw new RangeError("email.to must list valid addresses");
  if (!address.test(email.from))
    throw new RangeError(`email.from is not an address: ${email.from}`);
  if (!/^[A-Za-z0-9.-]+:\d+$/.test(email.smarthost))
    throw new RangeError(`email.smarthost must be host:port, got ${email.smarthost}`);
  return {
    name: RECEIVERS.email,
    email_configs: [
      {
        to: email.to.join(", "),
        from: email.from,
        smarthost: email.smarthost,
        // Self-hosted §2.1: traffic in transit is encrypted.
        require_tls: true,
        send_resolved: true,
        ...(email.authUsername ? { auth_username: email.authUsername } : {}),
        ...(email.authPasswordFile
          ? { auth_password_file: requireFile(email.authPasswordFile, "email.authPasswordFile") }
          : {}),
      },
    ],
  };
}

/** Routes to the receivers in order; every one but the last continues so all of them are notified. */
function routesTo(severity: string, names: string[]): Json[] {
  return names.map((receiver, i) => ({
    receiver,
    matchers: [`severity="${severity}"`],
    ...(i < names.length - 1 ? { continue: true } : {}),
  }));
}

/** Alertmanager configuration for the given receivers; any of them may be absent. */
export function alertmanagerConfig(receivers: AlertReceivers): Json {
  const team = [
    receivers.chat ? RECEIVERS.chat : undefined,
    receivers.email ? RECEIVERS.email : undefined,
  ].filter((n): n is "chat" | "email" => n !== undefined);
  // Critical alerts page; without a pager they go where warnings go rather than nowhere.
  const critical = receivers.paging ? [RECEIVERS.paging] : team;
  return {
    global: { resolve_timeout: "5m" },
    route: {
      // Alerts with neither severity (for example the monitoring stack's heartbeat) stay visible
      // in Alertmanager without notifying anyone.
      receiver: RECEIVERS.default,
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [...routesTo("critical", critical), ...routesTo("warning", team)],
    },
    receivers: [
      { name: RECEIVERS.default },
      ...(receivers.paging ? [pagingReceiver(receivers.paging)] : []),
      ...(receivers.chat ? [chatReceiver(receivers.chat)] : []),
      ...(receivers.email ? [emailReceiver(receivers.email)] : []),
    ],
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: INHIBIT_EQUAL,
      },
    ],
  };
}

/** alertmanager.yml text for the given receivers. */
export function renderAlertmanagerConfig(receivers: AlertReceivers): string {
  return stringify(alertmanagerConfig(receivers), { lineWidth: 0 });
}
