/**
 * One grading reads the same things many times: each step's probes load the same principal's
 * policies again (lab 04, solved: 29 of its 61 requests repeat one before them). Within one
 * grading, an SDK client wrapped here answers a repeated read (a Get…, List…, Head… or Describe… command
 * with the same input) from the first answer, as a copy; any other command (a write) forgets
 * everything first. Only gradings use it: they read one moment of the account.
 *
 * One kind of answer outlives the grading: a version of an AWS managed policy, which AWS never
 * edits (it publishes a new version instead). It is kept with the client underneath, which the
 * grading service keeps from one check to the next; ReadOnlyAccess's (about 100 KB of policy)
 * cost lab 05's check more to fetch and parse than any ten of its other reads.
 */

/** Reads that may be reused (EC2 and ECR read with Describe…). Not object reads: their bodies are streams, read once. */
const READ = /^(Get|List|Head|Describe)\w*Command$/;
const STREAMED = /^(GetObject|HeadObject)\w*Command$/;

interface Sender {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

/** An AWS managed policy (any partition): arn:aws:iam::aws:policy/… */
const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;
const LASTING_MAX = 256;
const lastingByClient = new WeakMap<object, Map<string, Promise<unknown>>>();

function lastingKey(name: string, input: unknown): string | undefined {
  const i = input as { PolicyArn?: unknown; VersionId?: unknown } | undefined;
  if (name !== 'GetPolicyVersionCommand' || typeof i?.PolicyArn !== 'string' || typeof i.VersionId !== 'string') return undefined;
  return AWS_MANAGED_POLICY.test(i.PolicyArn) ? `${i.PolicyArn}\0${i.VersionId}` : undefined;
}

/** The client's lasting answer for `key`, asked once (a failed ask is forgotten). */
function lastingAnswer(client: Sender, key: string, command: unknown): Promise<unknown> {
  let lasting = lastingByClient.get(client);
  if (!lasting) lastingByClient.set(client, (lasting = new Map()));
  let answer = lasting.get(key);
  if (!answer) {
    if (lasting.size >= LASTING_MAX) lasting.clear();
    const asked = client.send(command);
    asked.catch(() => lasting.delete(key));
    lasting.set(key, (answer = asked));
  }
  return answer;
}

export function memoizeReads<C extends Sender>(client: C): C {
  const memo = new Map<string, Promise<unknown>>();
  const send = (command: { constructor: { name: string }; input?: unknown }, ...rest: unknown[]): Promise<unknown> => {
    const name = command.constructor.name;
    if (!READ.test(name)) {
      memo.clear();
      return client.send(command, ...rest);
    }
    if (STREAMED.test(name) || rest.length) return client.send(command, ...rest);
    const lastingAt = lastingKey(name, command.input);
    const key = `${name}\0${JSON.stringify(command.input ?? {})}`;
    let answer = memo.get(key);
    if (!answer) {
      answer = lastingAt ? lastingAnswer(client, lastingAt, command) : client.send(command);
      memo.set(key, answer);
    }
    // each caller gets its own copy: a grader may change what it was given
    return answer.then((r) => structuredClone(r));
  };
  return new Proxy(client, {
    get(target, key) {
      if (key === 'send') return send;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
