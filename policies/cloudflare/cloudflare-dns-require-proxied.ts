import * as cloudflare from "@pulumi/cloudflare";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** Record types that send visitors to an address: the origin's, unless Cloudflare proxies them. */
const ADDRESS_TYPES = ["A", "AAAA", "CNAME"];

export const cloudflareDnsRequireProxied: ResourceValidationPolicy = {
  name: "cloudflare-dns-require-proxied",
  description:
    "Infrastructure recommendations, Security Infrastructure (DDoS protection at layers 3/4 and a layer-7 WAF in front of the application) and self-hosted deployment §1 (the WAF sits in the DMZ before the load balancer): an A, AAAA or CNAME record in a Cloudflare zone is proxied, so it never publishes the gateway's address and every request passes the edge. Names starting with an underscore (validation and service records) are exempt.",
  validateResource: validateResourceOfType(cloudflare.DnsRecord, (record, _args, report) => {
    if (!ADDRESS_TYPES.includes(String(record.type))) return;
    if (String(record.name).split(".")[0].startsWith("_")) return;
    if (record.proxied !== true)
      report(
        `${record.type} record ${record.name} is DNS-only: it publishes the origin's address, so clients can reach the gateway around the WAF. Set proxied: true.`,
      );
  }),
};
