// Command-line arguments → a typed command, or a usage error (exit code 2).

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { MANIFEST_SOURCES } from './importSources';
import { safe } from './style';

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

export interface CheckOptions {
  paths: string[];
  format: Format;
  fix: boolean;
  /** Undefined: warnings never fail the run. */
  maxWarnings?: number;
  config?: string;
  color: boolean | undefined;
  quiet: boolean;
  /** JSON: each workload's factors and constraints too (left out by default: they are most of the output). */
  explain: boolean;
}

export type Command =
  | { kind: 'help'; topic?: 'check' | 'rules' | 'import' }
  | { kind: 'version' }
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'rules'; format: 'text' | 'json'; ids: string[] }
  | { kind: 'layout'; args: string[] }
  | { kind: 'export'; args: string[] }
  | { kind: 'import'; options: ImportCommandOptions | ManifestImportOptions };

/** `import <format> <paths…> --out DIR` for a format of MANIFEST_SOURCES (`k8s`). */
export interface ManifestImportOptions {
  source: 'manifests';
  /** A key of MANIFEST_SOURCES. */
  format: string;
  /** Manifest files and folders, and descriptors (read for their hosts). */
  paths: string[];
  out: string;
  force: boolean;
  config?: string;
  quiet: boolean;
}

export interface ImportCommandOptions {
  source: 'rvtools';
  /** The .xlsx export, or the folder of its .csv files. */
  input: string;
  out: string;
  force: boolean;
  pinCurrentHost: boolean;
  includePoweredOff: boolean;
  perFile?: number;
  /** True: show progress even when stderr is not a terminal. */
  progress: boolean;
  quiet: boolean;
}

export class UsageError extends Error {}

export const HELP = `Usage: workload-placement <command> [options]

Commands:
  check [paths...]   Check descriptor files and folders (default: the current folder)
  rules [ids...]     List the rule catalogue, or show the rules named
  layout [args...]   Print the host layout (see \`workload-placement layout --help\`)
  export k8s [paths...] --out <folder>
                     Write the plan as Kubernetes and KubeVirt objects (see
                     \`workload-placement export --help\`)
  import rvtools <file.xlsx | folder> --out DIR
                     Write descriptor files from a VMware inventory (RVTools export)
  import k8s|compose <paths...> --out DIR
                     Write descriptor files from Kubernetes manifests or Compose files

Options:
  -h, --help         Show help (\`workload-placement check --help\` for check's options)
  -v, --version      Show the version

Exit codes: 0 clean (or within --max-warnings), 1 errors found or too many warnings,
2 usage error or unreadable input.`;

export const CHECK_HELP = `Usage: workload-placement check [paths...] [options]

Checks every *.workload.yaml / *.workload.yml file under the given folders (skipping
node_modules, .git and the configuration's \`ignore\` patterns) and every file named
explicitly, as one fleet, and prints each diagnostic and each workload's verdict.

Options:
  --format <text|json|sarif>  Output format (default: text)
  --fix                       Apply every safe fix in place, then report what remains
  --max-warnings <N>          Also fail (exit 1) when there are more than N warnings
  --config <path>             Use this configuration file instead of the nearest
                              .workload-placement.json
  --color, --no-color         Force colours on or off (default: on a terminal only;
                              NO_COLOR=1 turns them off, FORCE_COLOR=1 on)
  --quiet                     Print only diagnostics and the summary: no verdicts, notes
                              or progress
  --explain                   JSON: add each workload's factors and constraints (the
                              text report always shows them)
  -h, --help                  Show this help`;

export const RULES_HELP = `Usage: workload-placement rules [ids...] [--format text|json]

Lists every rule with its default severity, category and whether a quick fix exists;
with rule ids, shows their full documentation.`;

export const IMPORT_HELP = `Usage: workload-placement import rvtools <file.xlsx | folder of csv> --out DIR [options]
       workload-placement import ${Object.keys(MANIFEST_SOURCES).join('|')} <paths...> --out DIR [options]

Reads an RVTools export (the vInfo and vHost sheets of the .xlsx, or the folder of
RVTools_tabvInfo.csv / RVTools_tabvHost.csv) and writes descriptor files into DIR:
hosts.workload.yaml (the ESXi hosts) and one vms-<cluster>.workload.yaml per cluster,
split every --per-file VMs. Templates are skipped; so are powered-off VMs unless
--include-powered-off. Prints what was written and what was skipped, and why.

Options:
  --out <DIR>              The folder to write into (created if missing)
  --force                  Replace files of the same names in DIR (default: refuse)
  --pin-current-host       Write each VM's current host as \`host:\` (a pin); by default
                           it is a comment, so placement stays free
  --include-powered-off    Import powered-off VMs too, marked with a comment
  --per-file <N>           VMs per file (default 1000)
  --progress               Show progress on stderr even when it is not a terminal
  --quiet, -q              Print nothing but errors
  -h, --help               Show this help

${Object.keys(MANIFEST_SOURCES).join(', ')}: reads the manifests in the files and folders given (as \`check\` finds
them, the configuration's \`ignore\` included) and writes one descriptor file per manifest
file with workloads, each workload under a comment naming its source (file:line,
kind/name). Descriptors among the paths are read for their hosts only (not written):
give the fleet's, so that what depends on it (DaemonSet replicas, zones as the hosts of
that site) is written as \`check\` sees it. Prints what was imported and what was
skipped (templates, invalid YAML, other kinds), and why. compose reads Compose files
(with their .env, override and extends files) and writes one descriptor per Compose file,
named for its project; a service \`shop/web\` becomes the workload \`shop-web\`.

Options for ${Object.keys(MANIFEST_SOURCES).join(', ')}: --out, --force, --quiet as above, and
  --config <path>          The configuration (default: the nearest .workload-placement.json)

Exit codes: 0 written, 2 usage error, unreadable export, missing sheets or columns, no
manifest workload in the paths, or files that exist without --force.`;

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('No command given. Try `workload-placement check <paths...>`.');
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help', topic: rest[0] === 'check' || rest[0] === 'rules' || rest[0] === 'import' ? rest[0] : undefined };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === 'layout') return { kind: 'layout', args: rest };
  if (first === 'export') return { kind: 'export', args: rest };
  if (first === 'check') return parseCheck(rest);
  if (first === 'rules') return parseRules(rest);
  if (first === 'import') return parseImport(rest);
  if (first.startsWith('-')) throw new UsageError(`Unknown option '${safe(first)}' before the command.`);
  throw new UsageError(`Unknown command '${safe(first)}' (commands: check, rules, layout, import, export).`);
}

/** Node's parser, its errors as usage errors (escaped, first sentence): for every command. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  return guard(() => parseArgs(config));
}

/** Runs Node's parser, turning its errors into usage errors. */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    // Node's messages are clear but mention internals; keep their first sentence.
    const msg = safe((e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '.'));
    throw new UsageError(msg);
  }
}

function parseCheck(argv: readonly string[]): Command {
  // Node's parser takes `-1` for an option: glue `--max-warnings -1` into one argument.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--max-warnings' && /^-\d+$/.test(argv[i + 1] ?? '')) args.push(`--max-warnings=${argv[++i]}`);
    else args.push(argv[i]);
  }
  const { values, positionals } = guard(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        fix: { type: 'boolean' },
        'max-warnings': { type: 'string' },
        config: { type: 'string' },
        'no-color': { type: 'boolean' },
        color: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        explain: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return { kind: 'help', topic: 'check' };
  const format = (values.format ?? 'text') as string;
  if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${safe(format)}').`);
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    const raw = String(values['max-warnings']);
    if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--max-warnings needs a whole number (got '${safe(raw)}').`);
    const n = Number(raw);
    // -1 means "no limit", as in ESLint.
    if (n < -1) throw new UsageError(`--max-warnings must be 0 or more, or -1 for no limit (got ${n}).`);
    maxWarnings = n === -1 ? undefined : n;
  }
  if (values.config !== undefined && !String(values.config).trim()) throw new UsageError('--config needs a path.');
  return {
    kind: 'check',
    options: {
      paths: positionals.length ? positionals : ['.'],
      format: format as Format,
      fix: Boolean(values.fix),
      maxWarnings,
      config: values.config as string | undefined,
      color: values['no-color'] ? false : values.color ? true : undefined,
      quiet: Boolean(values.quiet),
      explain: Boolean(values.explain),
    },
  };
}

function parseRules(args: readonly string[]): Command {
  const { values, positionals } = guard(() =>
    parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (values.help) return { kind: 'help', topic: 'rules' };
  const format = (values.format ?? 'text') as string;
  if (format !== 'text' && format !== 'json') throw new UsageError(`rules --format must be text or json (got '${safe(format)}').`);
  return { kind: 'rules', format, ids: positionals };
}

function parseImport(argv: readonly string[]): Command {
  const { values, positionals } = guard(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        force: { type: 'boolean' },
        'pin-current-host': { type: 'boolean' },
        'include-powered-off': { type: 'boolean' },
        'per-file': { type: 'string' },
        progress: { type: 'boolean' },
        config: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return { kind: 'help', topic: 'import' };
  const [source, input, ...extra] = positionals;
  const sources = ['rvtools', ...Object.keys(MANIFEST_SOURCES)];
  if (source === undefined) throw new UsageError('import needs a source: `workload-placement import rvtools <file.xlsx | folder> --out DIR`.');
  if (source !== 'rvtools' && Object.hasOwn(MANIFEST_SOURCES, source)) return parseManifestImport(source, positionals.slice(1), values);
  if (source !== 'rvtools') throw new UsageError(`Unknown import source '${safe(source)}' (sources: ${sources.join(', ')}).`);
  for (const k of ['config'] as const) if (values[k] !== undefined) throw new UsageError(`import rvtools does not take --${k}.`);
  if (input === undefined) throw new UsageError('import rvtools needs the export: an .xlsx file or a folder of RVTools csv files.');
  if (extra.length) throw new UsageError(`import rvtools takes one export (got also '${safe(extra[0])}').`);
  if (values.out === undefined || !String(values.out).trim()) throw new UsageError('import rvtools needs --out DIR, the folder to write the descriptors into.');
  let perFile: number | undefined;
  if (values['per-file'] !== undefined) {
    const raw = String(values['per-file']);
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new UsageError(`--per-file needs a whole number of 1 or more (got '${safe(raw)}').`);
    perFile = Number(raw);
  }
  return {
    kind: 'import',
    options: {
      source: 'rvtools',
      input,
      out: String(values.out),
      force: Boolean(values.force),
      pinCurrentHost: Boolean(values['pin-current-host']),
      includePoweredOff: Boolean(values['include-powered-off']),
      perFile,
      progress: Boolean(values.progress),
      quiet: Boolean(values.quiet),
    },
  };
}

function parseManifestImport(format: string, paths: string[], values: { out?: string; force?: boolean; config?: string; quiet?: boolean; [k: string]: unknown }): Command {
  // The rvtools options do not apply to manifests: refuse them rather than ignore them.
  for (const k of ['pin-current-host', 'include-powered-off', 'per-file', 'progress']) if (values[k] !== undefined) throw new UsageError(`import ${format} does not take --${k}.`);
  if (!paths.length) throw new UsageError(`import ${format} needs the manifests: files or folders (and the fleet's descriptors, for its hosts).`);
  if (values.out === undefined || !String(values.out).trim()) throw new UsageError(`import ${format} needs --out DIR, the folder to write the descriptors into.`);
  if (values.config !== undefined && !String(values.config).trim()) throw new UsageError('--config needs a path.');
  return {
    kind: 'import',
    options: { source: 'manifests', format, paths, out: String(values.out), force: Boolean(values.force), config: values.config, quiet: Boolean(values.quiet) },
  };
}
