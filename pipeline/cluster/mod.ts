/**
 * The cluster stage: segments customers from the scaled matrix with K-Means (k fixed or chosen
 * by silhouette) or DBSCAN, scores the segments, measures their bootstrap stability, and returns
 * a JSON model that assigns new customers.
 *
 * @module
 */

export {
  adjustedRandIndex,
  assignClusters,
  calinskiHarabasz,
  CLUSTER_DEFAULTS,
  type ClusterModel,
  type ClusterOptions,
  type ClusterOutputs,
  clusterStage,
  daviesBouldin,
  type DbscanModel,
  type EpsSuggestion,
  fitCluster,
  type KChoice,
  type KMeansModel,
  type KScore,
  normalizedMutualInfo,
  renumberBySize,
  type SegmentSilhouette,
  type SegmentSize,
  type SegmentStability,
  silhouetteSamples,
  silhouetteScores,
  type Stability,
} from "./cluster.ts";
