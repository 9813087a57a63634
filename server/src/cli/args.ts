// Command-line arguments → a typed command, or a usage error (exit code 2).

import { parseArgs } from 'node:util';
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
}

export type Command =
  | { kind: 'help'; topic?: 'check' | 'rules' }
  | { kind: 'version' }
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'rules'; format: 'text' | 'json'; ids: string[] }
  | { kind: 'layout'; args: string[] }
  | { kind: 'export'; args: string[] };

export class UsageError extends Error {}

export const HELP = `Usage: workload-placement <command> [options]

Commands:
  check [paths...]   Check descriptor files and folders (default: the current folder)
  rules [ids...]     List the rule catalogue, or show the rules named
  layout [args...]   Print the host layout (see \`workload-placement layout --help\`)
  export k8s [paths...] --out <folder>
                     Write the plan as Kubernetes and KubeVirt objects (see
                     \`workload-placement export --help\`)

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
  -h, --help                  Show this help`;

export const RULES_HELP = `Usage: workload-placement rules [ids...] [--format text|json]

Lists every rule with its default severity, category and whether a quick fix exists;
with rule ids, shows their full documentation.`;

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('No command given. Try `workload-placement check <paths...>`.');
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help', topic: rest[0] === 'check' || rest[0] === 'rules' ? rest[0] : undefined };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === 'layout') return { kind: 'layout', args: rest };
  if (first === 'export') return { kind: 'export', args: rest };
  if (first === 'check') return parseCheck(rest);
  if (first === 'rules') return parseRules(rest);
  if (first.startsWith('-')) throw new UsageError(`Unknown option '${safe(first)}' before the command.`);
  throw new UsageError(`Unknown command '${safe(first)}' (commands: check, rules, layout, export).`);
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
