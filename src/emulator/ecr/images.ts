/**
 * Images as metadata: a manifest (JSON text) stored under its sha256 digest, with tags pointing
 * at digests. No layers are stored: the labs push and pull image manifests, not image content.
 */
import crypto from 'node:crypto';
import type { JsonInput } from '../protocol/json-rpc-service.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { ImageAlreadyExists, ImageDigestDoesNotMatch, ImageNotFound, ImageTagAlreadyExists, InvalidParameter } from './errors.js';
import type { EcrImage, Repository } from './models.js';
import { requireRepository } from './store.js';

const DEFAULT_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

function tagsOf(repo: Repository, digest: string): string[] {
  return Object.entries(repo.imageTags)
    .filter(([, d]) => d === digest)
    .map(([t]) => t)
    .sort();
}

function manifestFacts(manifest: string): { mediaType?: string; size: number } {
  let doc: { mediaType?: unknown; config?: { size?: unknown }; layers?: Array<{ size?: unknown }> };
  try {
    doc = JSON.parse(manifest);
  } catch {
    throw InvalidParameter("Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const size = (doc.layers ?? []).reduce((s, l) => s + num(l?.size), num(doc.config?.size));
  return { mediaType: typeof doc.mediaType === 'string' ? doc.mediaType : undefined, size };
}

export function putImage(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  const manifest = input.imageManifest;
  if (typeof manifest !== 'string' || !manifest) throw InvalidParameter("Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must not be null'");
  const facts = manifestFacts(manifest);
  const digest = `sha256:${crypto.createHash('sha256').update(manifest).digest('hex')}`;
  if (typeof input.imageDigest === 'string' && input.imageDigest !== digest) {
    throw ImageDigestDoesNotMatch(`Provided digest ${input.imageDigest} does not match the digest of the manifest ${digest}`);
  }
  const tag = typeof input.imageTag === 'string' ? input.imageTag : undefined;
  const existingDigest = tag ? getRecord(repo.imageTags, tag) : undefined;
  if (getRecord(repo.images, digest) && (!tag || existingDigest === digest)) {
    throw ImageAlreadyExists(
      `Image with digest '${digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`,
    );
  }
  if (tag && existingDigest && existingDigest !== digest && repo.imageTagMutability === 'IMMUTABLE') {
    throw ImageTagAlreadyExists(`The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`);
  }
  const mediaType = (typeof input.imageManifestMediaType === 'string' && input.imageManifestMediaType) || facts.mediaType || DEFAULT_MEDIA_TYPE;
  const image: EcrImage = getRecord(repo.images, digest) ?? { digest, manifest, mediaType, pushedAt: new Date().toISOString(), sizeInBytes: facts.size };
  repo.images[digest] = image;
  if (tag) repo.imageTags[tag] = digest;
  return {
    image: { registryId: repo.registryId, repositoryName: repo.name, imageId: { imageDigest: digest, ...(tag ? { imageTag: tag } : {}) }, imageManifest: manifest, imageManifestMediaType: mediaType },
  };
}

/** The image an id names, or the failure BatchGetImage/BatchDeleteImage report for it. */
function resolve(repo: Repository, id: ImageId): { image: EcrImage; tag?: string } | { failure: object } {
  if (!id.imageDigest && !id.imageTag) return { failure: { imageId: id, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' } };
  const digest = id.imageDigest ?? (id.imageTag ? getRecord(repo.imageTags, id.imageTag) : undefined);
  const image = digest ? getRecord(repo.images, digest) : undefined;
  if (!image) return { failure: { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' } };
  if (id.imageTag && getRecord(repo.imageTags, id.imageTag) !== image.digest) {
    return { failure: { imageId: id, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: image tag digest mismatch' } };
  }
  return { image, tag: id.imageTag };
}

function imageIds(input: JsonInput): ImageId[] {
  if (!Array.isArray(input.imageIds)) throw InvalidParameter("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must not be null'");
  return input.imageIds as ImageId[];
}

export function batchGetImage(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  const images: object[] = [];
  const failures: object[] = [];
  for (const id of imageIds(input)) {
    const r = resolve(repo, id);
    if ('failure' in r) failures.push(r.failure);
    else
      images.push({
        registryId: repo.registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: r.image.digest, ...(r.tag ? { imageTag: r.tag } : {}) },
        imageManifest: r.image.manifest,
        imageManifestMediaType: r.image.mediaType,
      });
  }
  return { images, failures };
}

export function listImages(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  const status = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
  const ids: ImageId[] = [];
  for (const image of Object.values(repo.images)) {
    const tags = tagsOf(repo, image.digest);
    if (tags.length && status !== 'UNTAGGED') for (const t of tags) ids.push({ imageDigest: image.digest, imageTag: t });
    if (!tags.length && status !== 'TAGGED') ids.push({ imageDigest: image.digest });
  }
  return { imageIds: ids };
}

export function describeImages(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  let images = Object.values(repo.images);
  if (Array.isArray(input.imageIds)) {
    images = (input.imageIds as ImageId[]).map((id) => {
      const r = resolve(repo, id);
      if ('failure' in r) {
        throw ImageNotFound(
          `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
        );
      }
      return r.image;
    });
  }
  return {
    imageDetails: images.map((i) => {
      const tags = tagsOf(repo, i.digest);
      return {
        registryId: repo.registryId,
        repositoryName: repo.name,
        imageDigest: i.digest,
        ...(tags.length ? { imageTags: tags } : {}),
        imageSizeInBytes: i.sizeInBytes,
        imagePushedAt: new Date(i.pushedAt),
        imageManifestMediaType: i.mediaType,
      };
    }),
  };
}

export function batchDeleteImage(ctx: RequestContext, input: JsonInput) {
  const repo = requireRepository(ctx, input);
  const deleted: ImageId[] = [];
  const failures: object[] = [];
  for (const id of imageIds(input)) {
    const r = resolve(repo, id);
    if ('failure' in r) {
      failures.push(r.failure);
      continue;
    }
    const tags = tagsOf(repo, r.image.digest);
    if (id.imageTag && !id.imageDigest && tags.length > 1) {
      // Deleting one of several tags removes the tag only, as ECR does.
      delete repo.imageTags[id.imageTag];
      deleted.push({ imageDigest: r.image.digest, imageTag: id.imageTag });
      continue;
    }
    for (const t of tags) delete repo.imageTags[t];
    delete repo.images[r.image.digest];
    if (tags.length) for (const t of tags) deleted.push({ imageDigest: r.image.digest, imageTag: t });
    else deleted.push({ imageDigest: r.image.digest });
  }
  return { imageIds: deleted, failures };
}
