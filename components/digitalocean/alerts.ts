import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { DATABASE_ALERTS, MonitorAlertSpec, NODE_ALERTS, UPTIME_ALERTS } from "./alert-thresholds";
import { physicalName } from "../kit/naming";

export interface AlertReceivers {
  /** Addresses of the email receiver (monitoring.receivers.email.to). */
  emails: string[];
  /** The chat receiver's channel and incoming webhook URL (secret). */
  slack?: { channel: string; url: pulumi.Input<string> };
}

export interface AlertsArgs {
  /** Physical name prefix. @example "platform-staging" */
  prefix: string;
  /** URLs probed from outside. @example ["https://example.com", "https://auth.example.com"] */
  targets: string[];
  /** Tag of every node: the node alerts follow nodes the autoscaler adds. */
  nodeTag: pulumi.Input<string>;
  /** Managed database and cache clusters to watch. */
  databaseIds: pulumi.Input<string>[];
  /** Where alerts go; none configured means checks only. @example { emails: [], slack: undefined } */
  receivers: AlertReceivers;
}

/**
 * DigitalOcean's own monitoring, outside the cluster: uptime checks of every public host (they
 * still see an outage when the cluster and its Prometheus are down) and node and database resource
 * alerts, at the tiers document's thresholds. DigitalOcean cannot page: its alerts go to the chat
 * and email receivers, and paging stays with the platform's Alertmanager. With neither receiver
 * configured an alert policy would have nowhere to go, so only the checks are created (their
 * history shows in the control panel). DigitalOcean mails only addresses of its team's members.
 * Cost: uptime checks, $1 each (estimate); alert policies are free.
 */
export class Alerts extends pulumi.ComponentResource {
  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Alerts", name, args, opts);
    const parent = { parent: this };
    const slack = args.receivers.slack ? [args.receivers.slack] : [];
    const notify = slack.length > 0 || args.receivers.emails.length > 0;

    for (const target of args.targets) {
      const host = new URL(target).hostname;
      const key = physicalName([host], 40);
      const check = new digitalocean.UptimeCheck(
        `${name}-uptime-${key}`,
        { name: `${args.prefix} ${host}`, target, type: "https", enabled: true },
        parent,
      );
      for (const alert of notify ? UPTIME_ALERTS : [])
        new digitalocean.UptimeAlert(
          `${name}-uptime-${key}-${alert.key}`,
          {
            checkId: check.id,
            name: `${alert.severity}: ${host} ${alert.key}`,
            type: alert.type,
            period: alert.period,
            comparison: alert.comparison,
            threshold: alert.threshold,
            notifications: [{ emails: args.receivers.emails, slacks: slack }],
          },
          parent,
        );
    }

    const monitor = (key: string, spec: MonitorAlertSpec, scope: object) =>
      new digitalocean.MonitorAlert(
        `${name}-${key}-${spec.key}`,
        {
          type: spec.type,
          compare: "GreaterThan",
          value: spec.value,
          window: "5m",
          enabled: true,
          description: `${spec.severity}: ${args.prefix} ${key} ${spec.description}`,
          alerts: { emails: args.receivers.emails, slacks: slack },
          ...scope,
        },
        parent,
      );
    if (notify) {
      for (const spec of NODE_ALERTS) monitor("nodes", spec, { tags: [args.nodeTag] });
      if (args.databaseIds.length > 0)
        for (const spec of DATABASE_ALERTS)
          monitor("databases", spec, { entities: args.databaseIds });
    }

    this.registerOutputs({});
  }
}
