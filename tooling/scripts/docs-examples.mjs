// Runs the docs' complete programs (docs/examples/*.ts) and the reference app's `kit doctor` against
// a real sandbox broker on loopback, and saves what they print under
// docs/.vitepress/generated/captures/, where the pages include it. So the output a reader is told to
// expect is the output of this build, never typed by hand; an example that fails fails the build.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** Examples and what they need; each must exit 0. */
const EXAMPLES = ['first-call', 'first-stream'];

function run(command, args, { cwd, env, timeoutMs = 60_000 }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: 'pipe',
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), out });
    });
  });
}

/** The sandbox listens on a random free port; the pages show it as 8080, the port `kit sandbox --port 8080` uses. */
function tidy(text, url) {
  const port = new URL(url).port;
  return text.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:8080');
}

export async function runExamples({ root, docs, generatedDir }) {
  const started = Date.now();
  const capturesDir = join(generatedDir, 'captures');
  mkdirSync(capturesDir, { recursive: true });
  const { startSandboxBroker, DEMO_CREDENTIALS } = await tsImport(
    join(root, 'apps', 'sandbox-broker', 'src', 'index.ts'),
    import.meta.url,
  );
  const broker = await startSandboxBroker({ port: 0, seed: 42 });
  const failures = [];
  try {
    const key = DEMO_CREDENTIALS.trader.keyId;
    const secret = DEMO_CREDENTIALS.trader.secret;
    const env = {
      BROKER_BASE_URL: `${broker.url}/v1`,
      BROKER_WS_URL: broker.wsUrl,
      BROKER_API_KEY: key,
      BROKER_API_SECRET: secret,
    };
    const node = ['--conditions=@kit/source', '--import', 'tsx'];
    await Promise.all(
      EXAMPLES.map(async (name) => {
        const result = await run(process.execPath, [...node, join('examples', `${name}.ts`)], {
          cwd: docs,
          env,
        });
        writeFileSync(join(capturesDir, `${name}.txt`), tidy(result.out, broker.url).trimEnd());
        if (result.code !== 0)
          failures.push(`docs/examples/${name}.ts exited ${result.code}:\n${result.out}`);
      }),
    );

    // The doctor, healthy and with the mistakes the getting-started page walks through.
    const app = join(root, 'apps', 'reference-app');
    const doctor = (args, extraEnv) =>
      run(process.execPath, [...node, 'src/cli.ts', 'doctor', '--no-color', ...args], {
        cwd: app,
        env: extraEnv,
      });
    const target = ['--target', broker.url];
    const good = { KIT_API_KEY: key, KIT_API_SECRET: secret };
    const captures = [
      ['doctor-healthy', target, good, 0],
      ['doctor-insecure-url', ['--target', 'http://broker.example.com'], good, 1],
      ['doctor-wrong-secret', target, { KIT_API_KEY: key, KIT_API_SECRET: `${secret.slice(0, -2)}XX` }, 1],
    ];
    for (const [name, args, extraEnv, expected] of captures) {
      const result = await doctor(args, extraEnv);
      writeFileSync(join(capturesDir, `${name}.txt`), tidy(result.out, broker.url).trimEnd());
      if (result.code !== expected)
        failures.push(`kit doctor (${name}) exited ${result.code}, expected ${expected}:\n${result.out}`);
    }
    // Exactly once under lost answers, on a sandbox of its own (so the seeded fault sequence starts
    // with this program's first request): the order is stored, then the socket is destroyed, on 90 %
    // of the POSTs; with seed 42 the first answer is lost and the retry is answered. The ledger, the
    // sandbox's ground truth, must hold exactly one order, and the retry must have happened.
    const lossy = await startSandboxBroker({
      port: 0,
      seed: 42,
      faults: { http: { responseLost: { probability: 0.9 }, match: ['POST /v1/orders'] } },
    });
    try {
      const once = await run(process.execPath, [...node, join('examples', 'place-order-once.ts')], {
        cwd: docs,
        env: { ...env, BROKER_BASE_URL: `${lossy.url}/v1`, BROKER_WS_URL: lossy.wsUrl },
      });
      const ledger = lossy.ledger();
      const lost = Object.entries(ledger.counts.faultsByKind ?? {})
        .filter(([kind]) => /lost/i.test(kind))
        .reduce((sum, [, n]) => sum + n, 0);
      const truth = `sandbox ledger: ${ledger.orders.length} order for client order id ${ledger.orders[0]?.clientOrderId ?? '-'}, ${ledger.duplicates.length} duplicates, ${lost} answer(s) lost`;
      writeFileSync(
        join(capturesDir, 'place-order-once.txt'),
        `${tidy(once.out, lossy.url).trimEnd()}\n${truth}`,
      );
      if (once.code !== 0)
        failures.push(`docs/examples/place-order-once.ts exited ${once.code}:\n${once.out}`);
      if (
        ledger.orders.length !== 1 ||
        ledger.duplicates.length !== 0 ||
        lost < 1 ||
        !once.out.includes('retrying')
      ) {
        failures.push(
          `place-order-once did not show a lost answer retried into one order:\n${once.out}\n${truth}`,
        );
      }
    } finally {
      await lossy.close();
    }

    broker.admin.setClockOffsetMs(9_000);
    const skewed = await doctor(target, good);
    writeFileSync(join(capturesDir, 'doctor-clock-skew.txt'), tidy(skewed.out, broker.url).trimEnd());
    if (skewed.code !== 1)
      failures.push(`kit doctor (clock skew) exited ${skewed.code}, expected 1:\n${skewed.out}`);
  } finally {
    await broker.close();
  }
  if (failures.length > 0) throw new Error(`docs examples failed:\n${failures.join('\n')}`);
  console.log(
    `docs: ran ${EXAMPLES.length + 1} examples and 4 doctor runs against the sandbox in ${Date.now() - started} ms`,
  );
}

// Run on its own (docs-generate.mjs starts it as a child process): the sandbox then has an event
// loop to itself, so the reference generation's type-checking in the parent cannot stall it.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('../..', import.meta.url).pathname;
  const docs = join(root, 'docs');
  await runExamples({ root, docs, generatedDir: join(docs, '.vitepress', 'generated') });
}
