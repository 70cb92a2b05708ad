import { ResourceValidationPolicy } from "@pulumi/policy";
import { CnpgClusterSpec, validateCustomResource } from "../lib/crd";

/** A pg_hba line that turns away every non-TLS TCP connection, for IPv4 and IPv6 alike. */
function rejectsPlaintext(lines: string[], address: string): boolean {
  return lines.some((l) => {
    const [kind, db, user, addr, method] = l.trim().split(/\s+/);
    return (
      kind === "hostnossl" &&
      db === "all" &&
      user === "all" &&
      addr === address &&
      method === "reject"
    );
  });
}

export const kubernetesPostgresRequireSsl: ResourceValidationPolicy = {
  name: "kubernetes-postgres-require-ssl",
  description:
    "Self-hosted deployment §2.2 (encrypt data in transit, certificate-based auth): CloudNativePG clusters keep ssl on and reject every non-TLS connection with a hostnossl reject line in pg_hba.",
  validateResource: validateCustomResource<CnpgClusterSpec>(
    "postgresql.cnpg.io/v1",
    "Cluster",
    (cluster, _args, report) => {
      const pg = cluster.spec?.postgresql ?? {};
      if (String(pg.parameters?.ssl ?? "on").toLowerCase() === "off")
        report("postgresql.parameters.ssl is off.");
      const hba = pg.pg_hba ?? [];
      for (const line of hba.filter(
        (l) => /^hostnossl\s/.test(l.trim()) && !/\sreject\s*$/.test(l),
      )) {
        report(`pg_hba line "${line}" accepts unencrypted connections.`);
      }
      const rejected =
        rejectsPlaintext(hba, "all") ||
        (rejectsPlaintext(hba, "0.0.0.0/0") && rejectsPlaintext(hba, "::/0"));
      // CloudNativePG's own catch-all "host all all all scram-sha-256" still accepts plaintext.
      if (!rejected)
        report('pg_hba lacks "hostnossl all all all reject", so plaintext logins are accepted.');
    },
  ),
};
