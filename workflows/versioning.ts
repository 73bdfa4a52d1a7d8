// Worker Versioning behaviour per workflow type (docs/upgrades.md). A workflow declares it with
// setWorkflowOptions, but the server refuses a behaviour from an unversioned worker ("versioning
// behavior cannot be specified without deployment options"), so it is declared only when the worker
// runs as a Worker Deployment Version (TEMPORAL_WORKER_DEPLOYMENT and TEMPORAL_WORKER_BUILD_ID set).
import type { VersioningBehavior, WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

/**
 * Options for setWorkflowOptions: `behavior` when the run's first workflow task ran on a worker of
 * a named deployment, nothing otherwise (an unversioned worker stamps its tasks with a build id and
 * no deployment name). Read once per run, on replay from the first task's recorded version, so a
 * run keeps its behaviour. A run begun by an unversioned worker declares none: it gets the worker's
 * default (PINNED, workers/rrm-worker.ts) once a versioned worker takes it over.
 */
export function whenVersioned(behavior: VersioningBehavior): () => WorkflowDefinitionOptions {
  return () =>
    workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {};
}
