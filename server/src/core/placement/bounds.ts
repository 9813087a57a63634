// A lower bound on the hosts any placement needs, to judge the engine's layout by.
// It relaxes the problem (demand is divisible, spreading and pins are ignored), so no
// valid layout can use fewer hosts; the gap between the two is the most left to gain.

export interface BoundHost {
  role: 'hypervisor' | 'container-host' | 'unknown';
  /** Container hosts: the OS their containers share. */
  os: string;
  /** Allocatable millicores and bytes. */
  cpu: number;
  mem: number;
  runtime?: boolean;
}

export interface BoundItem {
  deploy: 'vm' | 'container' | 'container-in-vm';
  os: string;
  cpu: number;
  mem: number;
  count: number;
}

export function lowerBound(hosts: readonly BoundHost[], items: readonly BoundItem[]): number {
  const hyper = hosts.filter((h) => h.role === 'hypervisor');
  const withRuntime = hyper.filter((h) => h.runtime !== false);
  const ctHosts = hosts.filter((h) => h.role === 'container-host');
  const sum = (xs: readonly BoundItem[]) => xs.reduce((a, x) => ({ cpu: a.cpu + x.cpu * x.count, mem: a.mem + x.mem * x.count }), { cpu: 0, mem: 0 });

  const vms = items.filter((x) => x.deploy === 'vm');
  const civ = items.filter((x) => x.deploy === 'container-in-vm');
  const hv = Math.max(atLeast(withRuntime, sum(civ)), atLeast(hyper, sum([...vms, ...civ])));

  const containers = items.filter((x) => x.deploy === 'container');
  let perOs = 0;
  for (const os of new Set(containers.map((x) => x.os))) {
    if (os === 'any') continue;
    perOs += atLeast(
      ctHosts.filter((h) => h.os === os),
      sum(containers.filter((x) => x.os === os)),
    );
  }
  const ct = Math.max(perOs, atLeast(ctHosts, sum(containers)));
  return hv + ct;
}

/** Fewest hosts whose combined capacity covers the demand in every dimension. */
function atLeast(hosts: readonly BoundHost[], demand: { cpu: number; mem: number }): number {
  let k = 0;
  for (const dim of ['cpu', 'mem'] as const) {
    if (demand[dim] <= 0) continue;
    const caps = hosts.map((h) => h[dim]).sort((a, b) => b - a);
    let acc = 0;
    let n = 0;
    while (n < caps.length && acc + 1e-6 < demand[dim]) acc += caps[n++];
    k = Math.max(k, n);
  }
  if (k === 0 && (demand.cpu > 0 || demand.mem > 0)) k = 1;
  return k;
}
