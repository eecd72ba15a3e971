/**
 * A lean SigV4 Query-protocol client for load generation: the AWS SDK's per-call overhead
 * (~1–2 ms of CPU) would make the load generator, not the server under test, the bottleneck on
 * a 2-core machine. Requests are byte-for-byte what the SDK sends: form body, SigV4 header.
 */
import crypto from 'node:crypto';
import http from 'node:http';

export interface LightCreds {
  accessKeyId: string;
  secretAccessKey: string;
}


const hmac = (k: Buffer | string, d: string) => crypto.createHmac('sha256', k).update(d).digest();
const sha = (d: string) => crypto.createHash('sha256').update(d).digest('hex');

export class LightQueryClient {
  private keyCache = new Map<string, Buffer>();
  private readonly url: URL;
  /** one keep-alive pool per learner, as each learner's machine has its own connections */
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    endpoint: string,
    private readonly creds: LightCreds,
    private readonly region = 'us-east-1',
  ) {
    this.url = new URL(endpoint);
  }

  private signingKey(date: string, service: string): Buffer {
    const k = `${date}/${service}`;
    let key = this.keyCache.get(k);
    if (!key) {
      key = hmac(hmac(hmac(hmac(`AWS4${this.creds.secretAccessKey}`, date), this.region), service), 'aws4_request');
      this.keyCache.set(k, key);
    }
    return key;
  }

  /** POST one Query action; resolves with the HTTP status and body, rejects on network errors. */
  call(service: 'iam' | 'sts', action: string, params: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const version = service === 'iam' ? '2010-05-08' : '2011-06-15';
    const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString();
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const host = this.url.host;
    const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
    const payloadHash = sha(body);
    const signedHeaders = 'content-type;host;x-amz-date';
    const creq = ['POST', '/', '', `content-type:${contentType}\nhost:${host}\nx-amz-date:${amzDate}\n`, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${this.region}/${service}/aws4_request`;
    const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha(creq)].join('\n');
    const signature = hmac(this.signingKey(date, service), sts).toString('hex');
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: {
            'content-type': contentType,
            'x-amz-date': amzDate,
            authorization: `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
