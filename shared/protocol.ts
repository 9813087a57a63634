// Messages between the language server, the client and the webview, declared once.
//
// This file imports nothing: the pure core (which builds the layout), the LSP shell,
// the client and the browser bundle all import it, and none of them may drag another's
// libraries along. Method names and their parameter/result types sit side by side so a
// change to one is a change to the other.

export const PROTOCOL_VERSION = 2;

export type DeployKind = 'vm' | 'container' | 'container-in-vm';

// ---------------------------------------------------------------------------
// The layout: what runs where. Built by the placement engine
// (server/src/core/placement), sent as is to the client and the webview, and drawn by
// shared/layoutView.ts (a scene of SVG nodes). Plain JSON; workloads are referred to by
// index to keep it small at 10,000 workloads.

/** Where a host or workload is declared: a file and a UTF-16 offset span of its name. */
export interface SourceRef {
  file: string;
  start: number;
  end: number;
}

/** A `SourceRef` inside a layout (the file is an index into `Layout.files`: they repeat), and how to read them: shared/refs.ts. */
export { type LayoutRef, refAt } from './refs';
import type { LayoutRef } from './refs';

export interface Resources {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
  /** Bytes of volume storage. */
  storage: number;
}

/** One running instance of a workload (a replica), as a container or as a whole VM. */
export interface LayoutInstance {
  /** Index into `Layout.workloads`. */
  w: number;
  /** 0-based replica number. */
  replica: number;
  /** Set in a failure simulation: the host it ran on before (index into `Layout.hosts`). */
  movedFrom?: number;
}

/**
 * A virtual machine on a hypervisor host:
 * - `workload`: a `deploy: vm` instance, its own VM with the workload's OS;
 * - `pool`: a container VM shared by the `container-in-vm` instances of one OS on this host
 *   (like a Kubernetes worker VM);
 * - `dedicated`: a container VM of its own for one `isolation: strict` container-in-vm workload.
 */
export interface LayoutVm {
  /** Unique within the layout. */
  id: string;
  kind: 'workload' | 'pool' | 'dedicated';
  /** Guest OS. */
  os: string;
  /** The workload instance the VM is (kind `workload`), with the VM's total cost. */
  instance?: LayoutInstance;
  /** The workload a dedicated VM belongs to. */
  w?: number;
  /** Containers inside (kinds `pool` and `dedicated`). */
  containers: LayoutInstance[];
  /** Total cost of the VM on its host: guest OS overhead plus what runs inside. */
  cost: Resources;
  /** Set in a failure simulation when the VM was created to take moved containers. */
  added?: boolean;
}

export interface LayoutHost {
  name: string;
  role: 'hypervisor' | 'container-host' | 'unknown';
  hypervisor?: string;
  runtime?: string;
  os?: string;
  site?: string;
  /** Cluster (failover stays inside it), compliance zone, CPU architecture (when not x86_64) and GPUs, as declared. */
  cluster?: string;
  zone?: string;
  arch?: string;
  gpus?: number;
  /** Physical capacity; storage absent when the host does not declare it (unchecked). */
  capacity: { cpu: number; memory: number; storage?: number };
  /** Over-commit ratios in force (the host's own or the defaults). */
  overcommit: { cpu: number; memory: number };
  /** What may be allocated: capacity × over-commit. */
  allocatable: { cpu: number; memory: number };
  used: Resources;
  vms: LayoutVm[];
  /** Containers directly on a container host. */
  containers: LayoutInstance[];
  /** Pinned workloads need more than this host offers. */
  overPinned?: boolean;
  /** Set in a failure simulation on the host that failed. */
  failed?: boolean;
}

export interface LayoutWorkload {
  name: string;
  os: string;
  /** The deployment placed: the declared one, else the recommendation; null when none is possible. */
  deploy: DeployKind | null;
  declared: boolean;
  /** The recommendation and its strength, for tooltips. */
  verdict: DeployKind | null;
  confidence: string;
  replicas: number;
  /** What one instance costs its host: its size plus its own overhead (a VM's guest OS, a container's shim). */
  cost: Resources;
  /** How many replicas were placed. */
  placed: number;
  /** Pinned host names, when pinned. */
  pins?: string[];
}

export type UnplacedKind = 'deploy' | 'role' | 'os' | 'arch' | 'zone' | 'gpu' | 'pin' | 'size' | 'storage' | 'capacity' | 'limit' | 'failure';

export interface LayoutUnplaced {
  w: number;
  /** How many replicas could not be placed. */
  count: number;
  /** Their replica numbers (the first 100 at most). */
  replicas: number[];
  kind: UnplacedKind;
  reason: string;
}

export interface LayoutQuality {
  hostsTotal: number;
  hostsUsed: number;
  /** No placement of the same instances can use fewer hosts than this. */
  lowerBound: number;
  instances: number;
  placed: number;
}

export interface Layout {
  version: typeof PROTOCOL_VERSION;
  /** The descriptor files that refs point into (URIs in the editor, paths on the command line). */
  files: string[];
  hosts: LayoutHost[];
  workloads: LayoutWorkload[];
  /**
   * Where each host and workload is declared, three numbers per item, flat (shared/refs.ts
   * reads and writes them: `refAt`). Kept apart from the items because an edit moves the
   * offsets of everything after it in its file: then only these numbers change, and the
   * items stay the same objects.
   */
  hostRefs: number[];
  workloadRefs: number[];
  unplaced: LayoutUnplaced[];
  quality: LayoutQuality;
  /** Guest-OS overhead of one VM, for the legend. */
  vmOverhead: { cpu: number; memory: number };
}

/** What happens when one host fails: a delta over the base layout (see `applyFailure`). */
export interface FailureOutcome {
  /** Index of the failed host in `Layout.hosts` (the first, when a cluster or a site failed). */
  host: number;
  /** Every failed host, in host order (one for a host failure). */
  hosts?: number[];
  /** What failed, as asked: a host, a cluster or a site, by name. */
  target?: { kind: 'host' | 'cluster' | 'site'; name: string };
  moved: FailureMove[];
  /** Instances that ran on the failed hosts and fit nowhere else. */
  lost: LayoutUnplaced[];
  /** Workloads whose replicas now share a host they did not share before the failure (a second failure there takes several). */
  shared?: { w: number; host: number; replicas: number }[];
}

export interface FailureMove {
  w: number;
  replica: number;
  deploy: DeployKind;
  /** Destination host index, and the failed host it came from. */
  to: number;
  from?: number;
  /** For container-in-vm: the VM that takes it (an existing one, or `newVm`). */
  vm?: string;
  newVm?: { id: string; kind: 'pool' | 'dedicated'; os: string };
  /** The instance's own cost (for a VM: including its guest OS). */
  cost: Resources;
  /** What the destination host pays in all (the instance plus a new VM's overhead). */
  hostCost: Resources;
}

// ---------------------------------------------------------------------------
// Language server ⇄ client.

/**
 * Request `workloadPlacement/layout`, sent by the client when the layout panel opens,
 * when it is told the layout changed, and when the user simulates a host failure. The
 * server answers from its latest analysis.
 */
export const LAYOUT_REQUEST = 'workloadPlacement/layout';

export interface LayoutParams {
  /** Also simulate the failure of the host with this name, else of every host of the cluster, else of the site, so named (the name keeps its old key for compatibility). */
  failedHost?: string;
  /**
   * The `generation` of the layout the client holds. When it is the layout this server last answered on this connection, the answer may be a
   * `patch` against it instead of the whole layout. A client that never sends `since`
   * always gets `layout`, as before; so does one whose `since` does not match (a
   * restarted server, an answer it missed), and a request with `failedHost`.
   */
  since?: number;
}

/** The answer to `workloadPlacement/layout`: the whole layout, or a patch (see `since`). */
export type LayoutResult = LayoutFullResult | LayoutPatchResult;

export interface LayoutFullResult {
  /** Increases with every analysis; lets the client drop stale answers and ask for patches. */
  generation: number;
  layout: Layout;
  /** Present when `failedHost` named a host, a cluster or a site of the layout. */
  failure?: FailureOutcome;
  patch?: undefined;
}

export interface LayoutPatchResult {
  generation: number;
  /** Turns the layout of generation `patch.since` into this generation's (shared/layoutPatch.ts applies it). */
  patch: LayoutPatch;
  layout?: undefined;
  failure?: undefined;
}

/**
 * What changed between two layouts. An edit moves the offsets of everything after it in
 * its file, so ref changes travel compactly, as runs (`hostRefs`, `workloadRefs`). The
 * other parts are present only when they changed, and then whole.
 */
export interface LayoutPatch {
  /** The generation of the layout it applies to (the request's `since`). */
  since: number;
  /** Length of the new `hosts`: a shorter list is cut, a longer one gets its new hosts from `hosts`. */
  hostCount: number;
  workloadCount: number;
  /** Hosts that changed or were added: index and new value. */
  hosts: [index: number, host: LayoutHost][];
  workloads: [index: number, workload: LayoutWorkload][];
  /** Refs that changed, or that added items have. */
  hostRefs?: LayoutRefMoves;
  workloadRefs?: LayoutRefMoves;
  files?: string[];
  unplaced?: LayoutUnplaced[];
  quality?: LayoutQuality;
  vmOverhead?: Layout['vmOverhead'];
}

/** Ref changes of the items of one list (hosts or workloads). */
export interface LayoutRefMoves {
  /**
   * Runs of consecutive items whose ref moved by the same amount (same file, same
   * length), flat: first index, count, offset delta, then the next run.
   */
  shifts: number[];
  /** Any other ref change (and the refs of added items): index and the new ref, or null when the item has none now. */
  set: [index: number, ref: LayoutRef | null][];
}

/**
 * Notification `workloadPlacement/layoutChanged`, sent by the server after an analysis
 * that changed the layout. It carries no layout: an open panel asks for it, a closed
 * one costs nothing.
 */
export const LAYOUT_CHANGED_NOTIFICATION = 'workloadPlacement/layoutChanged';

export interface LayoutChangedParams {
  generation: number;
}

/**
 * Notification `workloadPlacement/layoutClosed`, sent by the client when its layout panel
 * closes: the server then stops preparing layouts for it (see features/layout.ts).
 */
export const LAYOUT_CLOSED_NOTIFICATION = 'workloadPlacement/layoutClosed';

// ---------------------------------------------------------------------------
// Webview ⇄ extension host (postMessage). The webview says `ready` first; the host then
// sends the whole state in one `layout` message. After a change it sends a `patch`
// against the layout it sent last (or the whole layout again when it has no patch).

export type HostToWebview =
  | { type: 'layout'; generation: number; layout: Layout; failure?: FailureOutcome }
  /**
   * Changes to the base layout of generation `base` (the last one sent), making
   * generation `generation`; it ends any failure simulation shown. A webview that does
   * not hold `base` answers `resync`.
   */
  | { type: 'patch'; generation: number; base: number; patch: LayoutPatch }
  /** The server could not provide a layout (not started, crashed). */
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  /** A patch did not apply to what the webview holds: send the whole layout. */
  | { type: 'resync' }
  /** Simulate the failure of this host; `null` restores the fleet. */
  | { type: 'simulateFailure'; host: string | null }
  /** Open the editor at a host's or workload's declaration. */
  | { type: 'reveal'; ref: SourceRef }
  | { type: 'exportSvg'; svg: string };

/** What the webview keeps across reloads through `setState` (and the panel serializer). */
export interface WebviewState {
  zoom: number;
  scrollX: number;
  scrollY: number;
  filter: LayoutFilter;
  failedHost: string | null;
}

export interface LayoutFilter {
  /** Substring of a host or workload name (case-insensitive). */
  text: string;
  /** Empty: every deployment kind. */
  deploy: DeployKind | '';
  os: string;
  site: string;
}
