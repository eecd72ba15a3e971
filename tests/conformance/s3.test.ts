/**
 * Conformance: the scripted S3 sequence (s3-script.ts) against the embedded emulator and
 * moto_server, compared step by step after normalization (suite.ts).
 */
import { S3_STEPS } from './s3-script.js';
import { conformanceSuite } from './suite.js';

conformanceSuite('S3 conformance', S3_STEPS);
