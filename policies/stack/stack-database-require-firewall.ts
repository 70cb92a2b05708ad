import * as digitalocean from "@pulumi/digitalocean";
import { StackValidationPolicy } from "@pulumi/policy";
import { describe, ofType, refersTo } from "../lib/stack";

export const stackDatabaseRequireFirewall: StackValidationPolicy = {
  name: "stack-database-require-firewall",
  description:
    "Infrastructure recommendations, Security Infrastructure (PostgreSQL 5432 and Redis 6379 internal only): every DigitalOcean managed database has a database firewall, since without trusted sources it accepts connections from any address.",
  validateStack: (args, report) => {
    const firewalls = ofType(args.resources, digitalocean.DatabaseFirewall);
    for (const db of ofType(args.resources, digitalocean.DatabaseCluster)) {
      const guarded = firewalls.some(
        (f) => refersTo(f, "clusterId", db) && (f.props.rules ?? []).length > 0,
      );
      if (!guarded)
        report(`${describe(db)} has no database firewall with trusted sources.`, db.urn);
    }
  },
};
