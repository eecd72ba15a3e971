/**
 * The workshop server's route to the metadata services of a learner's own instances, shared by
 * the server (src/workshop/imds-route.ts) and the runner's loopback proxy that `instance-shell`
 * opens on a workshop backend (src/backends/instance-metadata-proxy.ts):
 *
 *   GET|PUT|HEAD /_workshop/api/imds/<instance-id>/<IMDS path>  → what the instance's metadata service answers
 *   GET /_workshop/api/instances/<instance-id>                  → the instance and its role (JSON)
 *
 * both with the learner's bearer token. Only the IMDS headers below travel to the metadata
 * service; the client's own X-Forwarded-For travels as FORWARDED_FOR_HEADER, because a reverse
 * proxy in front of the server adds its own, and IMDS refuses a token request that has one.
 */
export const IMDS_ROUTE_PREFIX = '/_workshop/api/imds/';
export const INSTANCE_ROUTE_PREFIX = '/_workshop/api/instances/';

/** The request headers the metadata service reads. */
export const IMDS_REQUEST_HEADERS = ['x-aws-ec2-metadata-token', 'x-aws-ec2-metadata-token-ttl-seconds'] as const;
/** The response headers a client of the metadata service reads. */
export const IMDS_RESPONSE_HEADERS = ['content-type', 'x-aws-ec2-metadata-token-ttl-seconds'] as const;
export const FORWARDED_FOR_HEADER = 'x-iam-labs-imds-forwarded-for';

/** IMDS requests carry no body worth reading; this bounds what the route accepts. */
export const IMDS_BODY_BYTES = 1024;
