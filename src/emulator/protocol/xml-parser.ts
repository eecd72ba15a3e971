/**
 * fast-xml-parser, loaded on first use: only S3 bodies (tagging, delete of many objects, …) and
 * SAML documents are XML, and the parser with its helpers is a large part of the code the
 * emulator would otherwise compile before it listens. Loaded from node_modules (CommonJS, so the
 * load is synchronous where the parsers are built).
 */
import { createRequire } from 'node:module';

type FastXmlParser = typeof import('fast-xml-parser');

let loaded: FastXmlParser | undefined;

export function fastXmlParser(): FastXmlParser {
  return (loaded ??= createRequire(import.meta.url)('fast-xml-parser') as FastXmlParser);
}

/** A parser made with `options` the first time it is needed. */
export function lazyParser(options: ConstructorParameters<FastXmlParser['XMLParser']>[0]): () => InstanceType<FastXmlParser['XMLParser']> {
  let parser: InstanceType<FastXmlParser['XMLParser']> | undefined;
  return () => (parser ??= new (fastXmlParser().XMLParser)(options));
}
