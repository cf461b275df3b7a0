// The preflight of a multi-node run: the single-host preflight on every machine at once (each check shown once,
// passed only where it passed on every host), then what only holds between machines: the same checkout commit and
// config everywhere, and the main machine's rendezvous port reachable from the others.
import type { RemoteHost } from '../remote/remoteHost';
import { describeError } from '../errors';
import type { PreflightCheck } from './preflightChecks';
import { runPreflight, type LaunchContext, type PreflightInput, type PreflightResult } from './preflight';
import type { Machine } from './multiNode';

export interface MultiNodePreflightInput extends Omit<PreflightInput, 'registry' | 'slurm'> {
  /** Main machine first. */
  readonly machines: ReadonlyArray<Machine & { readonly registry: PreflightInput['registry'] }>;
  /** The main machine's address as the others reach it. */
  readonly mainAddress: string;
}

export interface MultiNodePreflightResult extends PreflightResult {
  /** Each machine's launch context, by rank; the result's own context is the main machine's. */
  readonly contexts: ReadonlyArray<LaunchContext | undefined>;
}

export const MULTI_NODE_CHECKS = [
  ['same-checkout', 'Same checkout commit and config on every host'],
  ['main-reachable', "Every host reaches the main host's rendezvous port"],
] as const;

/** How long the main machine listens for the others during the reachability check. */
const LISTEN_SECONDS = 25;
const CONNECT_SECONDS = 20;

export async function runMultiNodePreflight(input: MultiNodePreflightInput): Promise<MultiNodePreflightResult> {
  const seen = new Map<string, Array<PreflightCheck | undefined>>();
  const merged = new Map<string, PreflightCheck>();
  const hosts = input.machines.map((machine) => machine.host);
  const report = (rank: number, item: PreflightCheck) => {
    const perHost = seen.get(item.id) ?? hosts.map(() => undefined);
    perHost[rank] = item;
    seen.set(item.id, perHost);
    const combined = combine(perHost, hosts);
    merged.set(item.id, combined);
    input.onCheck?.(combined);
  };
  const results = await Promise.all(
    input.machines.map((machine, rank) =>
      runPreflight({ ...input, registry: machine.registry, onCheck: (item) => report(rank, item) }),
    ),
  );
  const contexts = results.map((result) => result.context);
  const cross = [
    sameCheckoutCheck(contexts, hosts),
    await reachableCheck(input.machines, input.mainAddress, input.mainProcessPort, input.signal),
  ];
  cross.forEach((item) => input.onCheck?.(item));
  const checks = [...merged.values(), ...cross];
  return { checks, ok: checks.every((item) => item.ok), context: contexts[0], contexts };
}

/** One check from every host's: failed where any failed, each host's word prefixed with its name. */
function combine(perHost: ReadonlyArray<PreflightCheck | undefined>, hosts: readonly string[]): PreflightCheck {
  const known = perHost.filter((item): item is PreflightCheck => item !== undefined);
  const failed = known.find((item) => !item.ok);
  const message = perHost
    .map((item, rank) => (item ? `${hosts[rank]}: ${item.message}` : `${hosts[rank]}: checking…`))
    .join(' | ');
  return {
    id: known[0].id,
    title: known[0].title,
    ok: known.length === perHost.length && !failed,
    message,
    ...(failed?.fix ? { fix: failed.fix } : {}),
    ...(known.some((item) => item.warning) ? { warning: true as const } : {}),
  };
}

function multiCheck(id: (typeof MULTI_NODE_CHECKS)[number][0], ok: boolean, message: string): PreflightCheck {
  const title = MULTI_NODE_CHECKS.find(([known]) => known === id)![1];
  return { id, title, ok, message };
}

/** Every machine runs the same train_wm.py with the same config, or the ranks would train different models. */
export function sameCheckoutCheck(
  contexts: ReadonlyArray<Pick<LaunchContext, 'git' | 'configText'> | undefined>,
  hosts: readonly string[],
): PreflightCheck {
  const unread = hosts.filter((_host, rank) => !contexts[rank]);
  if (unread.length > 0)
    return multiCheck('same-checkout', false, `Not compared: ${unread.join(', ')} could not be checked.`);
  const commits = contexts.map((context) => context!.git?.commit);
  const notGit = hosts.filter((_host, rank) => !commits[rank]);
  if (notGit.length > 0)
    return multiCheck(
      'same-checkout',
      false,
      `The checkout on ${notGit.join(', ')} is not a git checkout, so it cannot be compared with the others.`,
    );
  const differing = hosts.filter((_host, rank) => commits[rank] !== commits[0]);
  if (differing.length > 0)
    return multiCheck(
      'same-checkout',
      false,
      `${differing.map((host) => `${host} is at ${commits[hosts.indexOf(host)]!.slice(0, 10)}`).join(', ')}, ` +
        `${hosts[0]} at ${commits[0]!.slice(0, 10)}: check out the same commit on every host.`,
    );
  const otherConfig = hosts.filter((_host, rank) => contexts[rank]!.configText !== contexts[0]!.configText);
  if (otherConfig.length > 0)
    return multiCheck(
      'same-checkout',
      false,
      `The config on ${otherConfig.join(', ')} differs from the one on ${hosts[0]}: copy it over, or use a local file.`,
    );
  const dirty = hosts.filter((_host, rank) => contexts[rank]!.git!.dirty);
  const item = multiCheck('same-checkout', true, `Commit ${commits[0]!.slice(0, 10)} and the same config on all.`);
  return dirty.length > 0
    ? { ...item, message: `${item.message} ${dirty.join(', ')} have uncommitted changes.`, warning: true }
    : item;
}

const LISTEN = [
  'import socket, sys',
  's = socket.socket()',
  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  's.bind(("0.0.0.0", int(sys.argv[1])))',
  's.listen(64)',
  's.settimeout(float(sys.argv[3]))',
  'for _ in range(int(sys.argv[2])):',
  '    s.accept()[0].close()',
].join('\n');

const CONNECT = [
  'import socket, sys, time',
  'deadline = time.time() + float(sys.argv[3])',
  'while True:',
  '    try:',
  '        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()',
  '        break',
  '    except OSError as error:',
  '        if time.time() > deadline:',
  '            sys.exit(str(error))',
  '        time.sleep(0.3)',
].join('\n');

/**
 * The main machine listens on the rendezvous port for a moment and every other machine connects to it at the main
 * address, as accelerate's machines will: a firewall or a wrong address shows here, not as a 30-minute hang.
 */
async function reachableCheck(
  machines: ReadonlyArray<{ readonly host: string; readonly registry: { readonly host: RemoteHost } }>,
  mainAddress: string,
  port: number,
  signal?: AbortSignal,
): Promise<PreflightCheck> {
  const [main, ...others] = machines;
  const at = `${mainAddress}:${port}`;
  const listening = main.registry.host.exec(
    ['python3', '-c', LISTEN, String(port), String(others.length), String(LISTEN_SECONDS)],
    { signal, timeoutMs: (LISTEN_SECONDS + 30) * 1000 },
  );
  const connected = await Promise.all(
    others.map((machine) =>
      machine.registry.host
        .exec(['python3', '-c', CONNECT, mainAddress, String(port), String(CONNECT_SECONDS)], {
          signal,
          timeoutMs: (CONNECT_SECONDS + 30) * 1000,
        })
        .then(
          (result) => (result.code === 0 ? '' : `${machine.host}: ${result.stderr.trim().split('\n').pop()}`),
          (error: unknown) => `${machine.host}: ${describeError(error)}`,
        ),
    ),
  );
  const listened = await listening.then(
    (result) => (result.code === 0 ? '' : result.stderr.trim().split('\n').pop()),
    (error: unknown) => describeError(error),
  );
  const failures = connected.filter(Boolean);
  if (failures.length > 0)
    return multiCheck(
      'main-reachable',
      false,
      `${at} on ${main.host} is not reachable from ${failures.join('; ')}` +
        `${listened ? ` (${main.host} could not listen: ${listened})` : ''}. ` +
        'Use an address of the main host the others reach, and open the port in its firewall.',
    );
  return multiCheck('main-reachable', true, `${others.map((m) => m.host).join(', ')} reached ${at} on ${main.host}.`);
}
