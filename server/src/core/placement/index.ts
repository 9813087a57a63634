// The placement module: lays the fleet's workloads out on its hosts (engine.ts), judges
// the layout against a lower bound (bounds.ts), reports what it finds (findings.ts) and
// describes it for hovers (describe.ts). Pure: no editor, no protocol, no I/O.

export { MAX_INSTANCES, MAX_REPLICAS, place, sizeOf, type FailureSweep, type Placement, type PlaceOptions, type PlacementStats, type UnplacedInfo, type OverPinnedInfo } from './engine';
export { lowerBound } from './bounds';
export { placementFindings } from './findings';
export { describeHostUse, describeWorkloadPlacement, escapeMarkdown } from './describe';
