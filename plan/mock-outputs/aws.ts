import type { LayerMocks } from "../../components/kit/cloud-layer";

/** What AWS computes for the AWS layer's types, as far as dependants and outputs read it. */
export const AWS_MOCKS: LayerMocks = {
  outputs(type, name, inputs) {
    if (!type.startsWith("aws:")) return undefined;
    const state: Record<string, any> = {
      arn: `arn:aws:mock:us-east-1:123456789012:${type.split(":").pop()?.toLowerCase()}/${name}`,
    };
    // Endpoints the in-cluster clients (pooler, app URLs, backup jobs) are configured with.
    if (type === "aws:rds/instance:Instance") state.address = `${name}.mock.rds.amazonaws.com`;
    // A cluster-mode group has a configuration endpoint and no primary endpoint.
    if (type === "aws:elasticache/replicationGroup:ReplicationGroup") {
      if (inputs.clusterMode === "enabled")
        state.configurationEndpointAddress = `clustercfg.${name}.mock.cache.amazonaws.com`;
      else state.primaryEndpointAddress = `master.${name}.mock.cache.amazonaws.com`;
    }
    if (type === "aws:eks/cluster:Cluster") {
      state.endpoint = `https://${name}.mock.eks.amazonaws.com`;
      state.certificateAuthority = { data: Buffer.from(`${name} mock CA`).toString("base64") };
    }
    // An Elastic IP: an address from TEST-NET-2 (RFC 5737), distinct per name.
    if (type === "aws:ec2/eip:Eip") {
      const octet = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 254, 7) + 1;
      state.publicIp = `198.51.100.${octet}`;
      state.allocationId = `eipalloc-${name}`;
    }
    if (type === "aws:cloudfront/distribution:Distribution")
      state.domainName = `${name}.mock.cloudfront.net`;
    // ACM asks for one CNAME per name of the certificate (DNS validation).
    if (type === "aws:acm/certificate:Certificate")
      state.domainValidationOptions = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])]
        .filter(Boolean)
        .map((domain: string) => ({
          domainName: domain,
          resourceRecordName: `_mock.${domain}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_mock.${domain.replace(/\./g, "-")}.acm-validations.aws.`,
        }));
    return state;
  },
  // The managed prefix list also needs the id rules name.
  invoke: (token, inputs) =>
    token === "aws:ec2/getManagedPrefixList:getManagedPrefixList"
      ? { ...inputs, id: `pl-mock-${inputs.name}` }
      : undefined,
  // The gateway's NLB answers by host name.
  gatewayAddress: (name) => ({
    type: "Hostname",
    value: `${name}-mock.elb.us-east-1.amazonaws.com`,
  }),
};
