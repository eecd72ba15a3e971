/** S3 over REST-XML. (Placeholder until the S3 module lands.) */
import { AwsError } from '../errors.js';
import type { OutgoingResponse, ServiceModule } from '../types.js';

export const s3Service: ServiceModule = {
  async handle(): Promise<OutgoingResponse> {
    throw new AwsError('NotImplemented', 'S3 is not implemented yet in this emulator.', 501);
  },
  serializeError(err, ctx) {
    return {
      status: err.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': ctx.requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${err.message}</Message><RequestId>${ctx.requestId}</RequestId></Error>`,
    };
  },
};
