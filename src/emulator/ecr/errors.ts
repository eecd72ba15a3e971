/** ECR's errors (AWS JSON 1.1: every client error is HTTP 400), worded as ECR words them. */
import { AwsError } from '../errors.js';

const err = (code: string) => (message: string) => new AwsError(code, message, 400);

export const RepositoryNotFound = (name: string, registry: string) =>
  err('RepositoryNotFoundException')(`The repository with name '${name}' does not exist in the registry with id '${registry}'`);
export const RepositoryAlreadyExists = (name: string, registry: string) =>
  err('RepositoryAlreadyExistsException')(`The repository with name '${name}' already exists in the registry with id '${registry}'`);
export const RepositoryNotEmpty = (name: string, registry: string) =>
  err('RepositoryNotEmptyException')(`The repository with name '${name}' in registry with id '${registry}' cannot be deleted because it still contains images`);
export const RepositoryPolicyNotFound = (name: string, registry: string) =>
  err('RepositoryPolicyNotFoundException')(`Repository policy does not exist for the repository with name '${name}' in the registry with id '${registry}'`);
export const InvalidParameter = err('InvalidParameterException');
export const ImageNotFound = err('ImageNotFoundException');
export const ImageAlreadyExists = err('ImageAlreadyExistsException');
export const ImageTagAlreadyExists = err('ImageTagAlreadyExistsException');
export const ImageDigestDoesNotMatch = err('ImageDigestDoesNotMatchException');
