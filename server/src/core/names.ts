// DNS-1123 labels (RFC 1123, as Kubernetes uses them for most object names): the names
// of hosts and workloads become VM, host and Kubernetes object names.

import { parse } from 'yaml';

export const DNS_LABEL_MAX = 63;

/** Lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name);
}

/**
 * A label close to `name`: lower-cased, each run of other characters one '-', trimmed of
 * '-', at most 63 characters. Undefined when nothing of the name is left.
 */
export function dnsLabelFor(name: string): string | undefined {
  const label = trimDashes(name.toLowerCase().replace(/[^a-z0-9]+/g, '-')).slice(0, DNS_LABEL_MAX);
  return trimDashes(label) || undefined;
}

/** A label not in `taken`: `label`, else `label-2`, `label-3`… (shortened to fit 63). */
export function freeLabel(label: string, taken: (name: string) => boolean): string {
  if (!taken(label)) return label;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${trimDashes(label.slice(0, DNS_LABEL_MAX - suffix.length))}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}

/** The label as a YAML value: quoted when YAML would read it as a number, a boolean or null. */
export function yamlLabel(label: string): string {
  return typeof parse(label) === 'string' ? label : `"${label}"`;
}

function trimDashes(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === '-') a++;
  while (b > a && s[b - 1] === '-') b--;
  return s.slice(a, b);
}
