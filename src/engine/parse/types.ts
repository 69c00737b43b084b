import type { Problem, SourceRef } from '../problems';

/** A path into a parsed object, e.g. `['spec', 'ports', 0, 'port']`. */
export type ObjectPath = readonly (string | number)[];

/**
 * One Kubernetes (or Calico, or PacketWalk) object from the pasted text. `body` is the plain JSON
 * value (YAML 1.1 scalars already resolved as Kubernetes would). `locate` maps a path inside the
 * object back to its line and column, so later stages can report problems where the user typed.
 */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** `undefined` for cluster-scoped kinds and for namespaced objects without metadata.namespace. */
  namespace: string | undefined;
  body: Record<string, unknown>;
  /** Where the object starts (its `kind:` key or the List item). */
  source: SourceRef;
  /** Index of the object in the flattened list (List items expanded in order). */
  index: number;
  locate(path: ObjectPath): SourceRef;
  /**
   * True when the engine does not model this kind (or this apiVersion of it): the object is listed,
   * with an `ignored-kind` / `wrong-api-version` problem, but the cluster builder should skip it.
   */
  ignored?: boolean;
}

export interface ParseLimits {
  /** Maximum input size in bytes (UTF-16 code units are counted). */
  maxBytes: number;
  maxDocuments: number;
  /** Maximum number of alias nodes resolved while converting YAML to JSON (billion-laughs guard). */
  maxAliasCount: number;
  /** Maximum number of objects after List expansion. */
  maxObjects: number;
}

export interface ParsedManifests {
  objects: ManifestObject[];
  problems: Problem[];
}
